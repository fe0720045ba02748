using SlmFleet.Api.V1Alpha1;

namespace SlmFleet.Operator.RoutingPolicies;

/// <summary>Everything the planner looks at for one RoutingPolicy. Secret values are never part of it: only key names.</summary>
internal sealed record RoutingPolicyObserved
{
    public required V1Alpha1RoutingPolicy Policy { get; init; }

    /// <summary>The SlmDeployment named by <c>spec.slm.deploymentRef.name</c>; null when absent.</summary>
    public V1Alpha1SlmDeployment? Deployment { get; init; }

    /// <summary>Names of the SlmDeployments in the namespace, for the error message when the reference is wrong.</summary>
    public IReadOnlyList<string> DeploymentNames { get; init; } = [];

    /// <summary>Key names of the API key Secret; null when the Secret does not exist (or none is referenced).</summary>
    public IReadOnlyCollection<string>? SecretKeys { get; init; }

    /// <summary>The older policy in the namespace that already uses this policy's modelAlias; null when the alias is this policy's.</summary>
    public string? AliasHeldBy { get; init; }

    /// <summary>This month's usage from the routers; null when none has been collected (the previous numbers are kept).</summary>
    public PolicyUsage? Usage { get; init; }

    public required DateTime Now { get; init; }
}
