using SlmFleet.Api.V1Alpha1;
using SlmFleet.Operator.Events;
using SlmFleet.Operator.SlmDeployments;

namespace SlmFleet.Operator.RoutingPolicies;

/// <summary>What the reconciler must do for one RoutingPolicy: a status write only when it changed, and Events.</summary>
internal sealed record RoutingPolicyPlan
{
    public required RoutingPolicyStatus Status { get; init; }

    public required bool StatusChanged { get; init; }

    public IReadOnlyList<PlannedEvent> Events { get; init; } = [];

    /// <summary>Why the policy is not Ready (field, reason, message); empty when it is.</summary>
    public IReadOnlyList<SpecProblem> Problems { get; init; } = [];

    /// <summary>Spend ÷ monthly budget, for the exported gauge; null without a budget or usage.</summary>
    public double? BudgetFraction => Status.BudgetFraction;
}
