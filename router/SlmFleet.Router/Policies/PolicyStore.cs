using SlmFleet.Api.V1Alpha1;

namespace SlmFleet.Router.Policies;

/// <summary>Holds the current <see cref="PolicyCatalog"/>; sources (file, cluster watch) replace its parts.</summary>
internal sealed class PolicyStore
{
    private readonly Lock _gate = new();
    private IReadOnlyCollection<RoutingPolicySpec> _policies = [];
    private IReadOnlyCollection<SlmDeploymentEntry> _deployments = [];
    private volatile PolicyCatalog _current = PolicyCatalog.Empty;

    public PolicyCatalog Current => _current;

    public void SetPolicies(IReadOnlyCollection<RoutingPolicySpec> policies)
    {
        lock (_gate)
        {
            _policies = policies;
            _current = new PolicyCatalog(_policies, _deployments);
        }
    }

    public void SetDeployments(IReadOnlyCollection<SlmDeploymentEntry> deployments)
    {
        lock (_gate)
        {
            _deployments = deployments;
            _current = new PolicyCatalog(_policies, _deployments);
        }
    }
}
