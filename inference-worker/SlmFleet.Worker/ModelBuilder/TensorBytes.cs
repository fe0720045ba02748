using System.Runtime.InteropServices;

namespace SlmFleet.Worker.ModelBuilder;

/// <summary>Little-endian element bytes for ONNX raw/external data.</summary>
internal static class TensorBytes
{
    public static ReadOnlySpan<byte> Float32(ReadOnlySpan<float> values) => MemoryMarshal.AsBytes(values);

    public static byte[] Float16(ReadOnlySpan<float> values)
    {
        var halves = new Half[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            halves[i] = (Half)values[i];
        }

        return MemoryMarshal.AsBytes(halves.AsSpan()).ToArray();
    }

    public static byte[] Int64(params long[] values) => MemoryMarshal.AsBytes(values.AsSpan()).ToArray();

    /// <summary>Row-major [rows, cols] → [cols, rows]: HF keeps Linear weights as [out, in], ONNX MatMul wants [in, out].</summary>
    public static float[] Transpose(float[] values, int rows, int cols)
    {
        var result = new float[values.Length];
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < cols; c++)
            {
                result[(c * rows) + r] = values[(r * cols) + c];
            }
        }

        return result;
    }
}
