namespace SlmFleet.Operator.RoutingPolicies;

/// <summary>
/// What the routers report for one model alias this month (UTC), summed over routers: request counts,
/// escalations, LLM spend and tokens. Prices are applied by the planner, which knows the policy.
/// </summary>
internal sealed record PolicyUsage
{
    /// <summary>The month these numbers cover, <c>yyyy-MM</c> (UTC).</summary>
    public required string Month { get; init; }

    public long Requests { get; init; }

    public long SlmRequests { get; init; }

    public long LlmRequests { get; init; }

    public IReadOnlyDictionary<string, long> EscalationsByReason { get; init; } = new Dictionary<string, long>();

    public double SpendUsd { get; init; }

    public long PromptTokens { get; init; }

    public long CompletionTokens { get; init; }

    /// <summary>
    /// The LLM-only baseline (USD) of the tokens a seeded status already covered (its savings + spend):
    /// the status keeps no token counts, so those tokens are carried as their baseline and
    /// <see cref="PromptTokens"/>/<see cref="CompletionTokens"/> hold only what was counted since. 0 without a seed.
    /// </summary>
    public double SeededBaselineUsd { get; init; }

    /// <summary>
    /// Shadow comparisons this month by task type: agreeing and disagreeing counts per confidence bucket
    /// (see <see cref="SlmFleet.Api.Calibration.ThresholdCalibration"/>). Never seeded from a status: an
    /// operator restart starts them from what the routers count after it.
    /// </summary>
    public IReadOnlyDictionary<string, CalibrationCounts> Calibration { get; init; } = new Dictionary<string, CalibrationCounts>();

    /// <summary>Requests also answered by a candidate SlmDeployment this month, by candidate: (agreed, all).</summary>
    public IReadOnlyDictionary<string, (long Agreed, long Samples)> Candidates { get; init; } = new Dictionary<string, (long Agreed, long Samples)>();
}

/// <summary>Agreeing and disagreeing shadow comparisons per confidence bucket, for one task type.</summary>
internal sealed record CalibrationCounts(long[] Agreed, long[] Disagreed)
{
    public long Samples => Agreed.Sum() + Disagreed.Sum();
}
