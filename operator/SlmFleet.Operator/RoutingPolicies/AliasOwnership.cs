using SlmFleet.Api.V1Alpha1;

namespace SlmFleet.Operator.RoutingPolicies;

/// <summary>
/// Who keeps a modelAlias that several policies in a namespace claim: the oldest (by creation time,
/// then name), so that adding a policy never takes an alias away from one already serving traffic.
/// </summary>
internal static class AliasOwnership
{
    /// <summary>The name of the policy that holds <paramref name="policy"/>'s alias instead of it; null when it holds it itself.</summary>
    public static string? HeldBy(V1Alpha1RoutingPolicy policy, IEnumerable<V1Alpha1RoutingPolicy> sameNamespace)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var owner = sameNamespace
            .Where(p => p.Metadata.DeletionTimestamp is null && string.Equals(p.Spec.ModelAlias, policy.Spec.ModelAlias, StringComparison.Ordinal))
            .Append(policy)
            .DistinctBy(p => p.Metadata.Name)
            .OrderBy(p => p.Metadata.CreationTimestamp ?? DateTime.MaxValue)
            .ThenBy(p => p.Metadata.Name, StringComparer.Ordinal)
            .First();
        return owner.Metadata.Name == policy.Metadata.Name ? null : owner.Metadata.Name;
    }
}
