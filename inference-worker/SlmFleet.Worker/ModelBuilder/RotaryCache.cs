namespace SlmFleet.Worker.ModelBuilder;

/// <summary>
/// The cos/sin tables GroupQueryAttention reads when do_rotary=1: [context_length, head_size / 2], entry
/// (p, i) = cos|sin(p · θ^(−2i / head_size)), the non-interleaved (rotate-half) RoPE of Llama and Qwen2.
/// </summary>
internal static class RotaryCache
{
    public static (float[] Cos, float[] Sin) Build(int positions, int headSize, double theta)
    {
        var half = headSize / 2;
        var cos = new float[positions * half];
        var sin = new float[positions * half];
        for (var i = 0; i < half; i++)
        {
            // float32 like the builder's torch computation, so the tables match a real export's to the last bit or two.
            var inverseFrequency = 1f / (float)Math.Pow(theta, (2.0 * i) / headSize);
            for (var p = 0; p < positions; p++)
            {
                var angle = (float)p * inverseFrequency;
                cos[(p * half) + i] = MathF.Cos(angle);
                sin[(p * half) + i] = MathF.Sin(angle);
            }
        }

        return (cos, sin);
    }
}
