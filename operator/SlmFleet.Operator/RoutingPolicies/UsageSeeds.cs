using SlmFleet.Api.V1Alpha1;

namespace SlmFleet.Operator.RoutingPolicies;

/// <summary>
/// Turns the RoutingPolicy statuses a previous operator (or leader) wrote into seeds for a fresh
/// <see cref="UsageLedger"/>: one per (namespace, model alias), from every status that names a month.
/// The ledger keeps only those of the month it is counting.
/// </summary>
internal static class UsageSeeds
{
    /// <summary>
    /// Seeds from the policies of <paramref name="routerNamespace"/> (the routers' counts belong to its
    /// policies only; elsewhere the ledger produces nothing to seed). Several policies claiming one alias
    /// show the same counters written at different times: within a month they only grow, so the status
    /// with the highest spend (then requests) is the newest and is the one used.
    /// </summary>
    public static Dictionary<(string Namespace, string Model), PolicyUsage> FromStatuses(IEnumerable<V1Alpha1RoutingPolicy> policies, string routerNamespace)
    {
        ArgumentNullException.ThrowIfNull(policies);
        var seeds = new Dictionary<(string Namespace, string Model), PolicyUsage>();
        foreach (var policy in policies)
        {
            if (policy.Metadata.NamespaceProperty != routerNamespace || policy.Spec?.ModelAlias is not { Length: > 0 } alias || policy.Status?.Month is not { Length: > 0 })
            {
                continue;
            }

            var seed = FromStatus(policy.Status);
            var id = (routerNamespace, alias);
            if (!seeds.TryGetValue(id, out var other) || Newer(seed, other))
            {
                seeds[id] = seed;
            }
        }

        return seeds;
    }

    private static bool Newer(PolicyUsage a, PolicyUsage b)
    {
        var month = string.CompareOrdinal(a.Month, b.Month);
        return month != 0 ? month > 0 : (a.SpendUsd, a.Requests).CompareTo((b.SpendUsd, b.Requests)) > 0;
    }

    /// <summary>
    /// Every status field the ledger produces: request counts, escalations and spend as they are; tokens
    /// are not in status, so their LLM-only baseline (savings + spend) is carried instead.
    /// </summary>
    public static PolicyUsage FromStatus(RoutingPolicyStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        var spend = Math.Max(0, status.SpendThisMonthUsd ?? 0);
        return new PolicyUsage
        {
            Month = status.Month ?? string.Empty,
            Requests = Math.Max(0, status.Requests ?? 0),
            SlmRequests = Math.Max(0, status.SlmRequests ?? 0),
            LlmRequests = Math.Max(0, status.LlmRequests ?? 0),
            EscalationsByReason = status.EscalationsByReason is { } reasons
                ? reasons.Where(r => r.Value > 0).ToDictionary(r => r.Key, r => r.Value, StringComparer.Ordinal)
                : new Dictionary<string, long>(),
            SpendUsd = spend,
            SeededBaselineUsd = (status.SavingsThisMonthUsd ?? 0) + spend,
        };
    }
}
