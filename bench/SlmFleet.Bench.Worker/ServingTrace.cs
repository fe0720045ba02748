namespace SlmFleet.Bench.Worker;

/// <summary>
/// The serving trace both sides replay: Poisson arrivals at <see cref="RatePerSecond"/> (exponential
/// gaps), prompt lengths uniform in [64, <c>maxPrompt</c>] and outputs uniform in [16, <c>maxOutput</c>],
/// all from one seed.
/// </summary>
internal sealed record ServingTrace(double RatePerSecond, int MinPrompt, int MaxPrompt, int MinOutput, int MaxOutput, IReadOnlyList<TraceRequest> Requests)
{
    public const int MinPromptTokens = 64;
    public const int MinOutputTokens = 16;

    public double MeanPrompt => (MinPrompt + MaxPrompt) / 2.0;

    public double MeanOutput => (MinOutput + MaxOutput) / 2.0;

    public long RequestedTokens => Requests.Sum(r => (long)r.OutputTokens);

    public static ServingTrace Create(int count, double ratePerSecond, int maxPrompt, int maxOutput, PromptFactory prompts, Random random)
    {
        var requests = new List<TraceRequest>(count);
        var at = 0.0;
        for (var i = 0; i < count; i++)
        {
            var promptLength = random.Next(MinPromptTokens, maxPrompt + 1);
            var output = random.Next(MinOutputTokens, maxOutput + 1);
            requests.Add(new TraceRequest(i, at, prompts.Next(promptLength), output));
            at += -Math.Log(1 - random.NextDouble()) / ratePerSecond;
        }

        return new ServingTrace(ratePerSecond, MinPromptTokens, maxPrompt, MinOutputTokens, maxOutput, requests);
    }
}
