namespace SlmFleet.Bench.Worker;

/// <summary>Everything one run measured, the input of <see cref="ResultWriter"/>.</summary>
internal sealed record BenchReport(
    DateTimeOffset Date,
    string Machine,
    BenchOptions Options,
    BenchModel Model,
    IReadOnlyList<double> ReadBandwidthSamples,
    IReadOnlyList<DecodeCell> Decode,
    IReadOnlyList<TtftCell> Ttft,
    ServingTrace Trace,
    string TraceRateSource,
    TraceResult WorkerTrace,
    TraceResult PeerTrace,
    double WorkerRssWarmMiB,
    double WorkerRssPeakMiB,
    double PeerLoadedMiB)
{
    /// <summary>The best of the samples taken between phases (best-of-N, as the throughputs it divides).</summary>
    public double ReadBandwidthGbps => ReadBandwidthSamples.Max();

    public DecodeCell Cell(int concurrency, int context) => Decode.Single(c => c.Concurrency == concurrency && c.Context == context);

    public IReadOnlyList<TargetCheck> Targets()
    {
        var checks = new List<TargetCheck>();
        foreach (var context in Decode.Select(c => c.Context).Distinct())
        {
            checks.Add(TargetCheck.AtLeast($"c1 decode at context {context}: worker ÷ ORT GenAI", Cell(1, context).Ratio, 0.95));
        }

        checks.AddRange(Ttft.Select(t => TargetCheck.AtMost($"TTFT, {t.PromptTokens}-token prompt: worker ÷ ORT GenAI", t.Ratio, 1.1)));
        checks.Add(TargetCheck.AtLeast("trace throughput: worker ÷ ORT GenAI", WorkerTrace.TokensPerSecond / PeerTrace.TokensPerSecond, 1.5));
        checks.Add(TargetCheck.AtMost("trace TTFT p99: worker ÷ ORT GenAI", WorkerTrace.TtftP99 / PeerTrace.TtftP99, 0.5));
        foreach (var context in Decode.Select(c => c.Context).Distinct())
        {
            checks.Add(TargetCheck.AtLeast($"worker c16 ÷ c1 at context {context}", Cell(16, context).Worker.TokensPerSecond / Cell(1, context).Worker.TokensPerSecond, 1.0));
        }

        return checks;
    }
}
