namespace SlmFleet.Bench.Router;

/// <summary>Latency percentiles (milliseconds) of one run plus its throughput and error count.</summary>
internal sealed record LatencyStats(double P50Ms, double P99Ms, double Rps, int Ok, int Errors)
{
    public static LatencyStats From(List<double> latenciesMs, double seconds, int errors)
    {
        latenciesMs.Sort();
        return new LatencyStats(NearestRank(latenciesMs, 0.50), NearestRank(latenciesMs, 0.99), latenciesMs.Count / seconds, latenciesMs.Count, errors);
    }

    /// <summary>The nearest-rank percentile <paramref name="p"/> (0..1) of values sorted ascending; NaN when there are none.</summary>
    public static double NearestRank(IReadOnlyList<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
}
