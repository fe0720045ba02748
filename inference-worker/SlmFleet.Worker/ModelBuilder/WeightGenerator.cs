namespace SlmFleet.Worker.ModelBuilder;

/// <summary>Seeded weights: the same seed always writes byte-identical models.</summary>
internal sealed class WeightGenerator(int seed)
{
    private readonly Random _random = new(seed);

    public float[] Normal(int count, float std)
    {
        var data = new float[count];
        for (var i = 0; i < count; i += 2)
        {
            // Box–Muller gives two normal samples per pair of uniforms.
            var u1 = 1.0 - _random.NextDouble();
            var u2 = _random.NextDouble();
            var radius = Math.Sqrt(-2.0 * Math.Log(u1));
            data[i] = (float)(radius * Math.Cos(2 * Math.PI * u2)) * std;
            if (i + 1 < count)
            {
                data[i + 1] = (float)(radius * Math.Sin(2 * Math.PI * u2)) * std;
            }
        }

        return data;
    }

#pragma warning disable CA1822 // Kept on the instance so every tensor is made through one generator.
    public float[] Constant(int count, float value)
#pragma warning restore CA1822
    {
        var data = new float[count];
        Array.Fill(data, value);
        return data;
    }
}
