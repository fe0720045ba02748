namespace SlmFleet.Bench.Router;

/// <summary>Latency percentiles (milliseconds) of one run plus its throughput and error count.</summary>
internal sealed record LatencyStats(double P50Ms, double P99Ms, double Rps, int Ok, int Errors)
{
    public static LatencyStats From(List<double> latenciesMs, double seconds, int errors)
    {
        latenciesMs.Sort();
        double Percentile(double p) => latenciesMs.Count == 0 ? double.NaN : latenciesMs[Math.Min(latenciesMs.Count - 1, (int)Math.Ceiling(p * latenciesMs.Count) - 1)];
        return new LatencyStats(Percentile(0.50), Percentile(0.99), latenciesMs.Count / seconds, latenciesMs.Count, errors);
    }
}
