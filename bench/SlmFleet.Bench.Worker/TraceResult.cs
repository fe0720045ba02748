namespace SlmFleet.Bench.Worker;

/// <summary>
/// One side's replay of the serving trace: per request, time to first token and end-to-end time,
/// both from the request's arrival; throughput is generated tokens over the makespan (trace start to
/// the last request's last token).
/// </summary>
internal sealed record TraceResult(IReadOnlyList<double> TtftMilliseconds, IReadOnlyList<double> EndToEndMilliseconds, long Tokens, double MakespanSeconds, int Failed)
{
    public double TokensPerSecond => Tokens / MakespanSeconds;

    public double TtftP50 => Percentiles.Of(TtftMilliseconds, 0.50);

    public double TtftP99 => Percentiles.Of(TtftMilliseconds, 0.99);

    public double EndToEndP50 => Percentiles.Of(EndToEndMilliseconds, 0.50);

    public double EndToEndP99 => Percentiles.Of(EndToEndMilliseconds, 0.99);
}
