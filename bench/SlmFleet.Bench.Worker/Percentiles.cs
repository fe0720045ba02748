namespace SlmFleet.Bench.Worker;

/// <summary>Nearest-rank percentiles: with a few dozen requests, p99 is the slowest one, not an interpolation between the two slowest.</summary>
internal static class Percentiles
{
    public static double Of(IReadOnlyList<double> values, double fraction)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        var sorted = values.Order().ToList();
        return sorted[Math.Clamp((int)Math.Ceiling(fraction * sorted.Count) - 1, 0, sorted.Count - 1)];
    }
}
