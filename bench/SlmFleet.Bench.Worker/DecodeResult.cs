namespace SlmFleet.Bench.Worker;

/// <summary>
/// One decode cell on one side: tokens generated per second while every sequence of the batch was
/// decoding. <paramref name="Steady"/> is false when no such window existed (a sequence finished
/// before the last one's first token) and the figure covers first token to last token instead.
/// </summary>
internal sealed record DecodeResult(int Concurrency, int PromptTokens, int NewTokens, long Tokens, double Seconds, bool Steady)
{
    public double TokensPerSecond => Seconds > 0 ? Tokens / Seconds : 0;

    /// <summary>Mean KV length over the measured steps.</summary>
    public double MeanContext => PromptTokens + (NewTokens / 2.0);

    /// <summary>
    /// Measures from per-sequence token arrival times (Stopwatch timestamps, one per token). The
    /// window runs from the last sequence's first token to the first sequence's last token; the
    /// tokens that arrived in it, over its length, are the batch's decode rate without prefill.
    /// </summary>
    public static DecodeResult FromArrivals(int promptTokens, int newTokens, IReadOnlyList<IReadOnlyList<long>> arrivals)
    {
        var start = arrivals.Max(a => a[0]);
        var end = arrivals.Min(a => a[^1]);
        var inWindow = arrivals.Sum(a => (long)a.Count(t => t > start && t <= end));
        if (end > start && inWindow >= arrivals.Count)
        {
            return new DecodeResult(arrivals.Count, promptTokens, newTokens, inWindow, Between(start, end), Steady: true);
        }

        var first = arrivals.Min(a => a[0]);
        var last = arrivals.Max(a => a[^1]);
        return new DecodeResult(arrivals.Count, promptTokens, newTokens, arrivals.Sum(a => (long)a.Count - 1), Between(first, last), Steady: false);
    }

    private static double Between(long from, long to) => (to - from) / (double)System.Diagnostics.Stopwatch.Frequency;
}
