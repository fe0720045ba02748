using System.Threading.Channels;
using k8s;
using SlmFleet.Api.V1Alpha1;
using SlmFleet.Operator.Catalog;
using SlmFleet.Operator.SlmDeployments;

namespace SlmFleet.Bench.Operator;

/// <summary>
/// The peer of the converge measurement: the least any controller must send to converge an SlmDeployment.
/// Each created object is handed over directly (no watch, no cache), the operator's own planner computes
/// the same worker Deployment, Service, PodDisruptionBudget and status, and they are written with plain
/// creates (cheaper for the API server than server-side apply, but leaving field ownership a real operator
/// cannot live with) and one status write; no Event. Same concurrency as the operator's workers.
/// Measured beside the operator on the same machine, its converge time is the control plane's floor.
/// </summary>
internal sealed class FloorWriter : IAsyncDisposable
{
    private const int Workers = 16;
    private readonly Channel<V1Alpha1SlmDeployment> _created = Channel.CreateUnbounded<V1Alpha1SlmDeployment>();
    private readonly SlmDeploymentPlanner _planner = new(AcceleratorCatalog.Default, new SlmDeploymentOptions());
    private readonly IKubernetes _client;
    private readonly Task[] _workers;

    public FloorWriter(IKubernetes client)
    {
        _client = client;
        _workers = Enumerable.Range(0, Workers).Select(_ => Task.Run(RunAsync)).ToArray();
    }

    /// <summary>Queues a just-created SlmDeployment (the create's response).</summary>
    public void Created(V1Alpha1SlmDeployment resource) => _created.Writer.TryWrite(resource);

    public async ValueTask DisposeAsync()
    {
        _created.Writer.TryComplete();
        await Task.WhenAll(_workers);
    }

    private async Task RunAsync()
    {
        await foreach (var resource in _created.Reader.ReadAllAsync())
        {
            var ns = resource.Metadata.NamespaceProperty;
            var plan = _planner.Compute(new SlmDeploymentObserved { Resource = resource, Now = DateTime.UtcNow });
            const string manager = SlmDeploymentResource.FieldManager;
            await _client.AppsV1.CreateNamespacedDeploymentAsync(plan.Deployment!.Desired, ns, fieldManager: manager);
            await _client.CoreV1.CreateNamespacedServiceAsync(plan.Service!.Desired, ns, fieldManager: manager);
            await _client.PolicyV1.CreateNamespacedPodDisruptionBudgetAsync(plan.DisruptionBudget!.Desired, ns, fieldManager: manager);
            var body = new V1Alpha1SlmDeployment { Metadata = resource.Metadata, Spec = resource.Spec, Status = plan.Status };
            await _client.CustomObjects.ReplaceNamespacedCustomObjectStatusAsync<V1Alpha1SlmDeployment>(body, SlmDeploymentResource.Group,
                SlmDeploymentResource.Version, ns, SlmDeploymentResource.Plural, resource.Metadata.Name, fieldManager: manager);
        }
    }
}
