using System.Collections.Frozen;
using SlmFleet.Api.V1Alpha1;

namespace SlmFleet.Router.Policies;

/// <summary>
/// An immutable snapshot of the policies and deployments the router serves. Replaced as a whole when
/// a source changes, so a request sees one consistent view without locks.
/// </summary>
internal sealed class PolicyCatalog
{
    private readonly FrozenDictionary<string, ResolvedModel> _models;
    private readonly FrozenDictionary<string, SlmDeploymentEntry> _deployments;

    public PolicyCatalog(IReadOnlyCollection<RoutingPolicySpec> policies, IReadOnlyCollection<SlmDeploymentEntry> deployments)
    {
        ArgumentNullException.ThrowIfNull(policies);
        ArgumentNullException.ThrowIfNull(deployments);
        Policies = policies;
        Deployments = deployments;

        var models = new Dictionary<string, ResolvedModel>(StringComparer.Ordinal);
        foreach (var deployment in deployments)
        {
            models[deployment.ServedModel] = new ResolvedModel(deployment.ServedModel, null, deployment.Name);
        }

        // An alias wins over a served name of the same spelling: the policy is what the operator configured for clients.
        foreach (var policy in policies)
        {
            models[policy.ModelAlias] = new ResolvedModel(policy.ModelAlias, policy, policy.Slm.DeploymentRef.Name);
        }

        _models = models.ToFrozenDictionary(StringComparer.Ordinal);
        _deployments = deployments.DistinctBy(d => d.Name, StringComparer.Ordinal).ToFrozenDictionary(d => d.Name, StringComparer.Ordinal);
    }

    public static PolicyCatalog Empty { get; } = new([], []);

    public IReadOnlyCollection<RoutingPolicySpec> Policies { get; }

    public IReadOnlyCollection<SlmDeploymentEntry> Deployments { get; }

    /// <summary>Every name a client may send as <c>model</c>, sorted.</summary>
    public IEnumerable<string> ModelNames => _models.Keys.Order(StringComparer.Ordinal);

    public bool TryResolve(string model, out ResolvedModel resolved) => _models.TryGetValue(model, out resolved!);

    /// <summary>The SlmDeployment named <paramref name="name"/>, or null when this router does not know it (local mode lists only configured ones).</summary>
    public SlmDeploymentEntry? Deployment(string name) => _deployments.GetValueOrDefault(name);
}
