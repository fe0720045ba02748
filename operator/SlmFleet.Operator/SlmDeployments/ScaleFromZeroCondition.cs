using SlmFleet.Api.V1Alpha1;

namespace SlmFleet.Operator.SlmDeployments;

/// <summary>
/// The <c>ScaleFromZero</c> condition of a fleet allowed to reach zero replicas (<c>spec.minReplicas: 0</c>):
/// only a router brings it back, by recording demand when a request finds no ready replica, and a router
/// only sends requests to an SlmDeployment some RoutingPolicy names. Without one, a fleet at zero stays
/// there. Pure.
/// </summary>
internal static class ScaleFromZeroCondition
{
    /// <summary>The condition; null when minReplicas is above 0 or the policies are not known (not watched).</summary>
    public static PlannedCondition? Compute(V1Alpha1SlmDeployment resource, IReadOnlyList<V1Alpha1RoutingPolicy>? policies)
    {
        if (resource.Spec.MinReplicas > 0 || policies is null)
        {
            return null;
        }

        var name = resource.Metadata.Name;
        var ns = resource.Metadata.NamespaceProperty ?? "default";
        var routing = policies
            .Where(p => (p.Metadata.NamespaceProperty ?? "default") == ns && p.Metadata.DeletionTimestamp is null && Routes(p, name))
            .Select(p => p.Metadata.Name)
            .Order(StringComparer.Ordinal)
            .ToList();
        return routing.Count > 0
            ? new PlannedCondition(ConditionTypes.ScaleFromZero, ConditionSet.True, ConditionReasons.RoutingPolicyFound,
                $"spec.minReplicas is 0 and RoutingPolicy {string.Join(", ", routing)} routes to this SlmDeployment: a request that finds no ready replica is recorded by the router, and the operator scales the fleet up from zero.")
            : new PlannedCondition(ConditionTypes.ScaleFromZero, ConditionSet.False, ConditionReasons.NoRoutingPolicy,
                $"spec.minReplicas is 0 but no RoutingPolicy in namespace {ns} routes to SlmDeployment {name} (spec.slm.deploymentRef.name or spec.candidate.deploymentRef.name): "
                + "at zero replicas no router records demand for it, so nothing brings the fleet back. "
                + $"Create a RoutingPolicy with spec.slm.deploymentRef.name: {name}, or set spec.minReplicas to 1 or more.",
                Warn: true);
    }

    /// <summary>Whether the policy sends requests to SlmDeployment <paramref name="name"/> (as its SLM or its candidate).</summary>
    public static bool Routes(V1Alpha1RoutingPolicy policy, string name) =>
        policy.Spec.Slm.DeploymentRef.Name == name || policy.Spec.Candidate?.DeploymentRef.Name == name;
}
