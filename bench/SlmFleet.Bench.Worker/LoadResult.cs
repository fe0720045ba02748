namespace SlmFleet.Bench.Worker;

/// <summary>What one concurrency level measured: generated tokens per wall second, and each request's time to first token.</summary>
internal sealed record LoadResult(int Concurrency, int Tokens, double Seconds, IReadOnlyList<double> TtftMilliseconds)
{
    public double TokensPerSecond => Tokens / Seconds;
}
