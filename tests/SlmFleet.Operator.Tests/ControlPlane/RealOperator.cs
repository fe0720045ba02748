using k8s;
using Microsoft.Extensions.Logging.Abstractions;
using NUnit.Framework;
using Prometheus;
using k8s.Models;
using SlmFleet.Operator.Autoscaling;
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

    private RealOperator(KubeControlPlane plane, string ns, TimeSpan? autoscaleInterval)
    {
        Requests = new RequestLog();
        Client = plane.CreateClient(Requests);
        var registry = Metrics.NewCustomRegistry();
        var manager = new ControllerManager(
            Client,
            new ManagerOptions { Informers = new InformerOptions { InitialBackoff = TimeSpan.FromMilliseconds(50), MaxBackoff = TimeSpan.FromSeconds(1) } },
            TimeProvider.System, NullLoggerFactory.Instance, new RuntimeMetrics(registry));
        var options = new OperatorHostOptions { Namespace = ns, Workers = 4, Autoscaler = new AutoscalerOptions { Interval = autoscaleInterval ?? new AutoscalerOptions().Interval } };
        OperatorHost.AddSlmDeploymentController(manager, Client, options, registry, NullLoggerFactory.Instance, watchRoutingPolicies: true);
        Manager = manager;
        if (autoscaleInterval is not null)
        {
            // No worker pods run here (no kubelet): the autoscaler reads no stats and decides from the replica range alone.
            // Added before the manager runs: its pod and HPA informers are started by RunAsync.
            Autoscaler = OperatorHost.AddAutoscaler(manager, Client, new NoWorkerStats(), options, registry, NullLoggerFactory.Instance);
        }

        var running = Task.Run(() => manager.RunAsync(_stop.Token));
        if (Autoscaler is { } autoscaler)
        {
            running = Task.WhenAll(running, Task.Run(() => autoscaler.RunAsync(_stop.Token)));
        }

        _running = running;
    }

    /// <summary>The autoscaler loop, when started with an interval.</summary>
    public AutoscalerController? Autoscaler { get; }

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

    /// <summary>Starts the controller; with <paramref name="autoscaleInterval"/>, the autoscaler loop too (passes on the real clock).</summary>
    public static async Task<RealOperator> StartAsync(KubeControlPlane plane, string ns, TimeSpan? autoscaleInterval = null)
    {
        var started = new RealOperator(plane, ns, autoscaleInterval);
        await started.Manager.WaitForSyncAsync(CancellationToken.None).WaitAsync(Poll.DefaultTimeout);
        await Poll.UntilAsync(() => started.Manager.IsReady, "the operator is ready");
        if (started.Autoscaler is { } autoscaler)
        {
            await Poll.UntilAsync(() => autoscaler.IsStarted, "the autoscaler loop starts");
        }

        return started;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _running.WaitAsync(Poll.DefaultTimeout);
        Client.Dispose();
        _stop.Dispose();
    }

    private sealed class NoWorkerStats : IWorkerStatsSource
    {
        public Task<WorkerStats> ReadAsync(V1Pod pod, CancellationToken cancellationToken) =>
            throw new WorkerStatsUnavailableException($"pod {pod.Metadata.Name}: no workers run on this control plane");
    }
}
