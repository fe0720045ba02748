using System.Collections.Concurrent;
using System.Globalization;
using SlmFleet.Api.V1Alpha1;
using SlmFleet.Operator.Runtime;

namespace SlmFleet.Operator.RoutingPolicies;

/// <summary>
/// Reads a policy's world from the informer caches (zero API requests per reconcile): the policy
/// (or our own newer status write, until the watch delivers it), its SlmDeployment, the key names
/// of its Secret, and the other policies in the namespace for the modelAlias check.
/// </summary>
internal sealed class RoutingPolicyStateReader
{
    private readonly Informer<V1Alpha1RoutingPolicy> _policies;
    private readonly Informer<V1Alpha1SlmDeployment> _deployments;
    private readonly Informer<SecretKeyNames> _secrets;
    private readonly ConcurrentDictionary<ObjectKey, V1Alpha1RoutingPolicy> _written = new();

    public RoutingPolicyStateReader(Informer<V1Alpha1RoutingPolicy> policies, Informer<V1Alpha1SlmDeployment> deployments, Informer<SecretKeyNames> secrets)
    {
        _policies = policies;
        _deployments = deployments;
        _secrets = secrets;
    }

    public V1Alpha1RoutingPolicy? GetPolicy(ObjectKey key)
    {
        var cached = _policies.Get(key);
        if (cached is null)
        {
            _written.TryRemove(key, out _);
            return null;
        }

        // Without this, a reconcile that runs before the watch delivers our status write would plan
        // the same write again from the stale copy (a 409 and a retry).
        if (_written.TryGetValue(key, out var ours) && Version(ours) > Version(cached))
        {
            return ours;
        }

        _written.TryRemove(key, out _);
        return cached;
    }

    public void Wrote(V1Alpha1RoutingPolicy written) => _written[ObjectKey.Of(written)] = written;

    public V1Alpha1SlmDeployment? GetDeployment(string ns, string name) => _deployments.Get(new ObjectKey(ns, name));

    public IReadOnlyList<string> DeploymentNames(string ns) =>
        [.. _deployments.List().Where(d => d.Metadata.NamespaceProperty == ns).Select(d => d.Metadata.Name)];

    /// <summary>Key names of the Secret; null when it does not exist.</summary>
    public IReadOnlyCollection<string>? SecretKeys(string ns, string name) =>
        _secrets.Get(new ObjectKey(ns, name)) is { } secret ? secret.Keys ?? [] : null;

    /// <summary>Whether the policy cache holds every policy (and its status) yet.</summary>
    public bool PoliciesSynced => _policies.HasSynced;

    /// <summary>Every cached policy, our own newer status writes included.</summary>
    public IReadOnlyList<V1Alpha1RoutingPolicy> AllPolicies() =>
        [.. _policies.List().Select(p => GetPolicy(ObjectKey.Of(p)) ?? p)];

    public IReadOnlyList<V1Alpha1RoutingPolicy> PoliciesIn(string ns) =>
        [.. _policies.List().Where(p => p.Metadata.NamespaceProperty == ns)];

    private static long Version(V1Alpha1RoutingPolicy policy) =>
        long.TryParse(policy.Metadata.ResourceVersion, NumberStyles.None, CultureInfo.InvariantCulture, out var version) ? version : -1;
}
