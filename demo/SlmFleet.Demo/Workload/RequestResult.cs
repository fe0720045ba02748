namespace SlmFleet.Demo.Workload;

/// <summary>
/// How one request went, as a client sees it: the router's x-slmfleet-* headers, the answer's usage and
/// the wall time. <see cref="LlmCostUsd"/> is what the LLM charged (0 when the SLM answered);
/// <see cref="LlmOnlyCostUsd"/> is what the same tokens would have cost had the LLM answered — the
/// router's own definitions of spend and savings, so the summary can be checked against its metrics.
/// </summary>
internal sealed record RequestResult(
    string Title,
    int Status,
    string Route,
    string Reason,
    string? Rule,
    string? Unsupported,
    double? Confidence,
    TimeSpan Latency,
    TimeSpan? FirstToken,
    int PromptTokens,
    int CompletionTokens,
    string? Error)
{
    public bool Answered => Status is >= 200 and < 300;

    public double LlmCostUsd => Answered && Route == "llm" ? Policies.DemoPolicy.Cost(PromptTokens, CompletionTokens) : 0;

    public double LlmOnlyCostUsd => Answered ? Policies.DemoPolicy.Cost(PromptTokens, CompletionTokens) : 0;

    /// <summary>The reason with what decided it: <c>rule long-documents</c>, <c>unsupported tools</c>, or the bare reason.</summary>
    public string Why => Reason switch
    {
        "rule" when Rule is not null => $"rule {Rule}",
        "unsupported" when Unsupported is not null => $"unsupported {Unsupported}",
        _ => Reason,
    };
}
