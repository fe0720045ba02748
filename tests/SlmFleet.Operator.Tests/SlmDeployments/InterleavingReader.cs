using k8s;
using k8s.Models;
using SlmFleet.Api.V1Alpha1;
using SlmFleet.Operator.SlmDeployments;

namespace SlmFleet.Operator.Tests.SlmDeployments;

/// <summary>
/// Reads from the API server, but runs a change once, right after the first read of the SlmDeployment:
/// the reconciler then acts on an object that has moved on, as it does when someone writes between
/// its read (or its cache) and its write.
/// </summary>
internal sealed class InterleavingReader : IOwnedStateReader
{
    private readonly ApiOwnedStateReader _api;
    private Func<Task>? _afterFirstRead;

    public InterleavingReader(IKubernetes client, Func<Task> afterFirstRead)
    {
        _api = new ApiOwnedStateReader(client);
        _afterFirstRead = afterFirstRead;
    }

    public async Task<V1Alpha1SlmDeployment?> GetResourceAsync(string ns, string name, CancellationToken cancellationToken)
    {
        var read = await _api.GetResourceAsync(ns, name, cancellationToken);
        if (Interlocked.Exchange(ref _afterFirstRead, null) is { } change)
        {
            await change();
        }

        return read;
    }

    public Task<V1Deployment?> GetDeploymentAsync(string ns, string name, CancellationToken cancellationToken) => _api.GetDeploymentAsync(ns, name, cancellationToken);

    public Task<V1Service?> GetServiceAsync(string ns, string name, CancellationToken cancellationToken) => _api.GetServiceAsync(ns, name, cancellationToken);

    public Task<V1PodDisruptionBudget?> GetDisruptionBudgetAsync(string ns, string name, CancellationToken cancellationToken) => _api.GetDisruptionBudgetAsync(ns, name, cancellationToken);

    public Task<IReadOnlyCollection<string>?> GetSecretKeysAsync(string ns, string name, CancellationToken cancellationToken) => _api.GetSecretKeysAsync(ns, name, cancellationToken);

    public Task<IReadOnlyList<V2HorizontalPodAutoscaler>> GetAutoscalersAsync(string ns, string name, CancellationToken cancellationToken) => _api.GetAutoscalersAsync(ns, name, cancellationToken);

    public Task<V1PersistentVolumeClaim?> GetClaimAsync(string ns, string name, CancellationToken cancellationToken) => _api.GetClaimAsync(ns, name, cancellationToken);

    public Task<IReadOnlyList<V1Alpha1RoutingPolicy>?> GetRoutingPoliciesAsync(string ns, CancellationToken cancellationToken) => _api.GetRoutingPoliciesAsync(ns, cancellationToken);

    public void Wrote(object written) => _api.Wrote(written);

    public void Deleted(Type type, string ns, string name) => _api.Deleted(type, ns, name);
}
