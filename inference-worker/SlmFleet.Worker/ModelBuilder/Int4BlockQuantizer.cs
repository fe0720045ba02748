namespace SlmFleet.Worker.ModelBuilder;

/// <summary>
/// Symmetric 4-bit block quantization in the layout of <c>com.microsoft</c> MatMulNBits (bits 4, no zero
/// points) and of GatherBlockQuantized with uint8 data.
/// </summary>
/// <remarks>
/// The weight is given as HF's Linear layout, N rows of K (one row per output column of the MatMul), which is
/// also the quantized layout: B is [N, ceil(K / 32), 16] bytes, each byte two consecutive K elements, the
/// lower K index in the low nibble. With no zero_points input the kernels use zero point 8, so a stored
/// nibble q means (q − 8) · scale; scales are [N · blocks], row-major by N. Like ONNX Runtime's symmetric
/// quantizer, the element of largest magnitude maps to −8 (scale = that element / −8), which uses the whole
/// signed range [−8, 7]. K is zero-padded to a whole block.
/// </remarks>
internal static class Int4BlockQuantizer
{
    public const int BlockSize = 32;
    public const int BytesPerBlock = BlockSize / 2;

    public static int Blocks(int k) => (k + BlockSize - 1) / BlockSize;

    /// <summary>Quantizes <paramref name="rows"/> rows of <paramref name="k"/> into <paramref name="packed"/> and <paramref name="scales"/>.</summary>
    public static void Quantize(ReadOnlySpan<float> weight, int rows, int k, Span<byte> packed, Span<float> scales)
    {
        var blocks = Blocks(k);
        Span<float> block = stackalloc float[BlockSize];
        for (var n = 0; n < rows; n++)
        {
            var row = weight.Slice(n * k, k);
            for (var b = 0; b < blocks; b++)
            {
                block.Clear();
                var start = b * BlockSize;
                row.Slice(start, Math.Min(BlockSize, k - start)).CopyTo(block);
                scales[(n * blocks) + b] = QuantizeBlock(block, packed.Slice(((n * blocks) + b) * BytesPerBlock, BytesPerBlock));
            }
        }
    }

    private static float QuantizeBlock(ReadOnlySpan<float> block, Span<byte> output)
    {
        var extreme = 0f;
        foreach (var value in block)
        {
            if (MathF.Abs(value) > MathF.Abs(extreme))
            {
                extreme = value;
            }
        }

        var scale = extreme / -8f;
        var inverse = scale == 0f ? 0f : 1f / scale;
        for (var i = 0; i < BlockSize; i += 2)
        {
            output[i / 2] = (byte)(Nibble(block[i], inverse) | (Nibble(block[i + 1], inverse) << 4));
        }

        return scale;
    }

    private static int Nibble(float value, float inverse)
        => Math.Clamp((int)MathF.Round(value * inverse, MidpointRounding.ToEven) + 8, 0, 15);
}
