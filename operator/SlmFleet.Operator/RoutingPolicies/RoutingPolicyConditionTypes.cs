namespace SlmFleet.Operator.RoutingPolicies;

/// <summary>The condition types in RoutingPolicy status.</summary>
internal static class RoutingPolicyConditionTypes
{
    public const string Ready = "Ready";
    public const string TargetsResolved = "TargetsResolved";
    public const string SecretPresent = "SecretPresent";
    public const string BudgetAlert = "BudgetAlert";
    public const string BudgetExhausted = "BudgetExhausted";

    /// <summary>With spec.candidate: whether the candidate passed its promotion gate.</summary>
    public const string CandidateReady = "CandidateReady";
}
