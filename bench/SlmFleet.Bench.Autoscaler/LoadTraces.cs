namespace SlmFleet.Bench.Autoscaler;

/// <summary>The traces of the benchmark; all randomness comes from the Random passed in.</summary>
internal static class LoadTraces
{
    private const int Minute = 60;
    private const int Hour = 3600;

    /// <summary>
    /// 24 h sinusoid from 5 (night) to 25 (midday) replica-units, times a slow multiplicative noise
    /// (AR(1) per minute, about 4 % standard deviation) so the signal is not a perfect curve.
    /// </summary>
    public static LoadTrace Diurnal(Random random)
    {
        var load = new double[24 * Hour];
        var noise = 0.0;
        for (var minute = 0; minute < 24 * 60; minute++)
        {
            noise = (0.9 * noise) + (0.0174 * Gaussian(random));
            for (var s = minute * Minute; s < (minute + 1) * Minute; s++)
            {
                var baseLoad = 15 - (10 * Math.Cos(2 * Math.PI * s / (24.0 * Hour)));
                load[s] = baseLoad * Math.Exp(noise);
            }
        }

        return new LoadTrace("diurnal", "24 h sinusoid 5 -> 25 -> 5 replica-units with ~4 % slow noise", load);
    }

    /// <summary>2 h at 6 replica-units with a step to ×4 (24) from minute 30 to minute 60.</summary>
    public static LoadTrace Spike()
    {
        var load = new double[2 * Hour];
        for (var s = 0; s < load.Length; s++)
        {
            load[s] = s >= 30 * Minute && s < 60 * Minute ? 24 : 6;
        }

        return new LoadTrace("spike", "2 h at 6 replica-units, step x4 to 24 for minutes 30-60", load);
    }

    /// <summary>
    /// 4 h on/off: off at 5 replica-units for 5-20 min, on at 15 (×3) for 2-8 min, durations drawn
    /// uniformly.
    /// </summary>
    public static LoadTrace Bursty(Random random)
    {
        var load = new double[4 * Hour];
        var s = 0;
        var on = false;
        while (s < load.Length)
        {
            var length = on ? random.Next(2 * Minute, (8 * Minute) + 1) : random.Next(5 * Minute, (20 * Minute) + 1);
            var level = on ? 15.0 : 5.0;
            for (var end = Math.Min(load.Length, s + length); s < end; s++)
            {
                load[s] = level;
            }

            on = !on;
        }

        return new LoadTrace("bursty", "4 h on/off: 5 replica-units for 5-20 min, 15 for 2-8 min", load);
    }

    /// <summary>
    /// A fleet with <c>minReplicas: 0</c>: 5 min at 1 replica-unit, then idle for 12 min (longer than the
    /// 5-minute scale-down window plus the 30 s utilization window, so the fleet reaches zero), then a
    /// burst at 4 replica-units for 20 min, then idle for 8 min.
    /// </summary>
    public static LoadTrace ScaleFromZero()
    {
        (int Minutes, double Level)[] phases = [(5, 1), (12, 0), (20, 4), (8, 0)];
        var load = new double[phases.Sum(p => p.Minutes) * Minute];
        var s = 0;
        foreach (var (minutes, level) in phases)
        {
            for (var end = s + (minutes * Minute); s < end; s++)
            {
                load[s] = level;
            }
        }

        return new LoadTrace("scale-from-zero", "minReplicas 0: 5 min at 1 replica-unit, 12 min idle, 20 min burst at 4, 8 min idle", load);
    }

    private static double Gaussian(Random random)
    {
        // Box-Muller; 1 - NextDouble() keeps the logarithm finite.
        var u1 = 1.0 - random.NextDouble();
        var u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
