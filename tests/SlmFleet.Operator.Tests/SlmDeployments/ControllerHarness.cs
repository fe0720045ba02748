using k8s;
using Microsoft.Extensions.Logging.Abstractions;
using Prometheus;
using SlmFleet.Api.V1Alpha1;
using SlmFleet.Operator.Hosting;
using SlmFleet.Operator.Runtime;
using SlmFleet.Operator.SlmDeployments;
using SlmFleet.Testing;
using SlmFleet.Testing.Kubernetes;
using SlmFleet.Operator.Tests.Infrastructure;

namespace SlmFleet.Operator.Tests.SlmDeployments;

/// <summary>The whole controller (informers, queue, reconciler) as <c>slm-operator run</c> wires it, against the API test server.</summary>
internal sealed class ControllerHarness : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _running;
    private long _reconciles;

    private ControllerHarness(KubeApiTestServer server, InformerOptions informers)
    {
        Server = server;
        Client = server.CreateClient();
        var registry = Metrics.NewCustomRegistry();
        var manager = new ControllerManager(Client, new ManagerOptions { Informers = informers }, TimeProvider.System, NullLoggerFactory.Instance, new RuntimeMetrics(registry));
        var (_, reconciler) = OperatorHost.AddSlmDeploymentController(manager, Client, new OperatorHostOptions(), registry, NullLoggerFactory.Instance, new CreateOrReplaceWriter(Client));
        reconciler.PlanApplied = _ => Interlocked.Increment(ref _reconciles);
        Manager = manager;
        _running = Task.Run(() => manager.RunAsync(_stop.Token));
    }

    public KubeApiTestServer Server { get; }

    public Kubernetes Client { get; }

    public ControllerManager Manager { get; }

    /// <summary>Reconciles that reached the apply step (not counting early retries).</summary>
    public long Reconciles => Interlocked.Read(ref _reconciles);

    public static async Task<ControllerHarness> StartAsync(KubeApiTestServer server, InformerOptions? informers = null)
    {
        var harness = new ControllerHarness(server, informers ?? new InformerOptions { InitialBackoff = TimeSpan.FromMilliseconds(20), MaxBackoff = TimeSpan.FromMilliseconds(500) });
        await harness.Manager.WaitForSyncAsync(CancellationToken.None).WaitAsync(Poll.DefaultTimeout);
        return harness;
    }

    /// <summary>Status reports the current generation, and the finalizer older versions set is gone.</summary>
    public static bool Converged(V1Alpha1SlmDeployment? resource) =>
        resource is not null
        && resource.Status?.ObservedGeneration == resource.Metadata.Generation
        && resource.Metadata.Finalizers?.Contains(SlmDeploymentResource.LegacyFinalizer) != true;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _running.WaitAsync(Poll.DefaultTimeout);
        Client.Dispose();
        _stop.Dispose();
    }
}
