using k8s;
using Microsoft.Extensions.Logging.Abstractions;
using NUnit.Framework;
using Prometheus;
using SlmFleet.Operator.Hosting;
using SlmFleet.Operator.Runtime;
using SlmFleet.Testing;
using SlmFleet.Testing.ControlPlane;

namespace SlmFleet.Operator.Tests.ControlPlane;

/// <summary>
/// The SlmDeployment controller as <c>slm-operator run</c> wires it (informers, queue, reconciler,
/// server-side apply) watching one namespace of the real control plane, with every request its client
/// sends recorded. Tests skip (never pass) where no control-plane binaries are found.
/// </summary>
internal sealed class RealOperator : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _running;

    private RealOperator(KubeControlPlane plane, string ns)
    {
        Requests = new RequestLog();
        Client = plane.CreateClient(Requests);
        var registry = Metrics.NewCustomRegistry();
        var manager = new ControllerManager(
            Client,
            new ManagerOptions { Informers = new InformerOptions { InitialBackoff = TimeSpan.FromMilliseconds(50), MaxBackoff = TimeSpan.FromSeconds(1) } },
            TimeProvider.System, NullLoggerFactory.Instance, new RuntimeMetrics(registry));
        OperatorHost.AddSlmDeploymentController(manager, Client, new OperatorHostOptions { Namespace = ns, Workers = 4 }, registry, NullLoggerFactory.Instance);
        Manager = manager;
        _running = Task.Run(() => manager.RunAsync(_stop.Token));
    }

    public Kubernetes Client { get; }

    public RequestLog Requests { get; }

    public ControllerManager Manager { get; }

    /// <summary>The shared control plane with the CRDs installed; <see cref="Assert.Ignore(string)"/> where there is none.</summary>
    public static async Task<KubeControlPlane> ControlPlaneAsync()
    {
        if (KubeControlPlane.UnavailableReason() is { } reason)
        {
            Assert.Ignore(reason);
        }

        var plane = await KubeControlPlane.GetAsync();
        await plane.InstallCrdsAsync(Path.Combine(TestPaths.RepositoryRoot, "crds"));
        return plane;
    }

    public static async Task<RealOperator> StartAsync(KubeControlPlane plane, string ns)
    {
        var started = new RealOperator(plane, ns);
        await started.Manager.WaitForSyncAsync(CancellationToken.None);
        await Poll.UntilAsync(() => started.Manager.IsReady, "the operator is ready");
        return started;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _running;
        Client.Dispose();
        _stop.Dispose();
    }
}
