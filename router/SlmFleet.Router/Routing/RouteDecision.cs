namespace SlmFleet.Router.Routing;

/// <summary>Where a request goes first, why, and (when a rule decided) which rule.</summary>
internal sealed record RouteDecision(RouteTarget Target, string Reason, string? RuleName = null)
{
    /// <summary>The budget is spent and the policy rejects LLM-bound requests: answer 429.</summary>
    public bool Reject { get; init; }
}
