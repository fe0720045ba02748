using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Prometheus;
using SlmFleet.Api.V1Alpha1;
using SlmFleet.Operator.Autoscaling;
using SlmFleet.Operator.Hosting;
using SlmFleet.Operator.Runtime;
using SlmFleet.Operator.SlmDeployments;
using SlmFleet.Operator.Tests.SlmDeployments;
using SlmFleet.Operator.Tests.Testing;
using SlmFleet.Testing.Kubernetes;
using SlmFleet.Testing;
using SlmFleet.Operator.Tests.Infrastructure;

namespace SlmFleet.Operator.Tests.Autoscaling;

/// <summary>
/// The operator as <c>slm-operator run</c> wires it (informers, SlmDeployment controller) plus the
/// autoscaler loop on a manual clock, against the API test server, with fake gRPC workers behind
/// the worker pods. Pods get status.podIP 127.0.0.1; the stats source maps each pod to its worker's port.
/// </summary>
internal sealed class AutoscalerHarness : IAsyncDisposable
{
    public const string Namespace = ReconcilerHarness.Namespace;
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(15);

    private readonly Dictionary<string, FakeWorker> _workers = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private readonly GrpcWorkerStatsSource _stats;
    private readonly ControllerManager _manager;
    private readonly Informer<V1Alpha1SlmDeployment> _informer;
    private readonly Informer<V1Pod> _pods;
    private Task _running = Task.CompletedTask;
    private volatile bool _leader = true;

    private AutoscalerHarness(KubeApiTestServer server)
    {
        Server = server;
        Client = server.CreateClient();
        var informers = new InformerOptions { InitialBackoff = TimeSpan.FromMilliseconds(20), MaxBackoff = TimeSpan.FromMilliseconds(500) };
        _manager = new ControllerManager(Client, new ManagerOptions { Informers = informers }, TimeProvider.System, NullLoggerFactory.Instance, new RuntimeMetrics(Registry));
        var options = new OperatorHostOptions { Autoscaler = new AutoscalerOptions { Interval = Interval } };
        OperatorHost.AddSlmDeploymentController(_manager, Client, options, Registry, NullLoggerFactory.Instance, new CreateOrReplaceWriter(Client));
        _stats = new GrpcWorkerStatsSource(TimeSpan.FromSeconds(10), pod =>
        {
            OnStatsRead?.Invoke();
            lock (_workers)
            {
                return _workers.TryGetValue(pod.Metadata.Name, out var worker) ? worker.Address : null;
            }
        });
        // The informers run on the real clock (watch back-off); only the autoscaler's ticks are manual.
        Autoscaler = OperatorHost.AddAutoscaler(_manager, Client, _stats, options, Registry, NullLoggerFactory.Instance, Time, () => _leader);
        _informer = _manager.GetInformer<V1Alpha1SlmDeployment>(ResourceDescriptor.For<V1Alpha1SlmDeployment>());
        _pods = _manager.GetInformer<V1Pod>(ResourceDescriptor.For<V1Pod>(null, AutoscalerController.WorkerPodSelector));
    }

    /// <summary>Runs as the autoscaler reads a worker's stats, in the middle of a pass (e.g. to lose the lease there).</summary>
    public Action? OnStatsRead { get; set; }

    /// <summary>Whether this operator leads; a standby runs its ticks but changes nothing.</summary>
    public bool Leader
    {
        get => _leader;
        set => _leader = value;
    }

    public KubeApiTestServer Server { get; }

    public Kubernetes Client { get; }

    public ManualTimeProvider Time { get; } = new();

    public CollectorRegistry Registry { get; } = Metrics.NewCustomRegistry();

    public AutoscalerController Autoscaler { get; }

    public static async Task<AutoscalerHarness> StartAsync()
    {
        var server = await KubeApiTestServer.StartAsync();
        server.RegisterResource(ReconcilerHarness.SlmDeploymentType);
        var harness = new AutoscalerHarness(server);
        var manager = Task.Run(() => harness._manager.RunAsync(harness._stop.Token));
        var autoscaler = Task.Run(() => harness.Autoscaler.RunAsync(harness._stop.Token));
        harness._running = Task.WhenAll(manager, autoscaler);
        await Poll.UntilAsync(() => harness.Autoscaler.IsStarted, "the autoscaler loop starts");
        return harness;
    }

    public async Task CreateAsync(V1Alpha1SlmDeployment resource)
    {
        resource.Metadata.NamespaceProperty = Namespace;
        resource.Metadata.Uid = null;
        resource.Metadata.Generation = null;
        await Client.CustomObjects.CreateNamespacedCustomObjectAsync<V1Alpha1SlmDeployment>(
            resource, SlmDeploymentResource.Group, SlmDeploymentResource.Version, Namespace, SlmDeploymentResource.Plural);
        await SettleAsync(resource.Metadata.Name);
    }

    /// <summary>Changes the spec (retrying on 409: the operator writes status concurrently), then waits for the reconcile.</summary>
    public async Task EditSpecAsync(string name, Action<SlmDeploymentSpec> edit)
    {
        await Poll.UntilAsync(async () =>
        {
            var resource = Get(name);
            edit(resource.Spec);
            try
            {
                await Client.CustomObjects.ReplaceNamespacedCustomObjectAsync<V1Alpha1SlmDeployment>(
                    resource, SlmDeploymentResource.Group, SlmDeploymentResource.Version, Namespace, SlmDeploymentResource.Plural, name);
                return true;
            }
            catch (k8s.Autorest.HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.Conflict)
            {
                return false;
            }
        }, $"the spec of {name} is updated");
        await SettleAsync(name);
    }

    public V1Alpha1SlmDeployment Get(string name) =>
        Server.Get<V1Alpha1SlmDeployment>(SlmDeploymentResource.Group, SlmDeploymentResource.Plural, Namespace, name)
        ?? throw new InvalidOperationException($"SlmDeployment {name} is gone");

    public IReadOnlyList<Corev1Event> Events(string reason) =>
        Server.List<Corev1Event>("", "events", Namespace).Where(e => e.Reason == reason).ToList();

    public FakeWorker Worker(string pod)
    {
        lock (_workers)
        {
            return _workers[pod];
        }
    }

    /// <summary>A worker pod of <paramref name="deployment"/> backed by a fake worker reporting <paramref name="utilization"/>.</summary>
    public async Task AddPodAsync(string deployment, string name, bool ready, double utilization, double tokensPerSecond = 0)
    {
        var worker = await FakeWorker.StartAsync(utilization, tokensPerSecond: tokensPerSecond);
        lock (_workers)
        {
            _workers[name] = worker;
        }

        var pod = await Client.CoreV1.CreateNamespacedPodAsync(new V1Pod
        {
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = Namespace, Labels = WorkerLabels.All(deployment) },
            Spec = new V1PodSpec { Containers = [new V1Container { Name = "worker", Image = "slm-worker" }] },
        }, Namespace);
        await SetPodReadyAsync(pod, ready);
    }

    public async Task SetReadyAsync(string name, bool ready) =>
        await SetPodReadyAsync(await Client.CoreV1.ReadNamespacedPodAsync(name, Namespace), ready);

    public async Task DeletePodAsync(string name)
    {
        await Client.CoreV1.DeleteNamespacedPodAsync(name, Namespace);
        await Poll.UntilAsync(() => _pods.Get(new ObjectKey(Namespace, name)) is null, $"the pod cache drops {name}");
    }

    /// <summary>One tick of the loop: moves the clock by the interval, waits for the pass, then for the caches to catch up.</summary>
    public async Task PassAsync(string deployment)
    {
        var before = Autoscaler.Passes;
        Time.Advance(Interval);
        await Poll.UntilAsync(() => Autoscaler.Passes > before, "an autoscaler pass completes");
        await SettleAsync(deployment);
    }

    /// <summary>Waits until the reconciler observed the latest generation and the informer cache holds the latest version.</summary>
    public async Task SettleAsync(string name) =>
        await Poll.UntilAsync(() =>
        {
            var live = Server.Get<V1Alpha1SlmDeployment>(SlmDeploymentResource.Group, SlmDeploymentResource.Plural, Namespace, name);
            var cached = _informer.Get(new ObjectKey(Namespace, name));
            return live is not null && ControllerHarness.Converged(live) && cached?.Metadata.ResourceVersion == live.Metadata.ResourceVersion;
        }, $"SlmDeployment {name} settles");

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _running.WaitAsync(Poll.DefaultTimeout);
        _stats.Dispose();
        foreach (var worker in _workers.Values)
        {
            await worker.DisposeAsync();
        }

        Client.Dispose();
        await Server.DisposeAsync();
        _stop.Dispose();
    }

    private async Task SetPodReadyAsync(V1Pod pod, bool ready)
    {
        pod.Status = new V1PodStatus
        {
            Phase = "Running",
            PodIP = "127.0.0.1",
            StartTime = Time.GetUtcNow().UtcDateTime,
            Conditions = [new V1PodCondition { Type = "Ready", Status = ready ? "True" : "False" }],
        };
        var written = await Client.CoreV1.ReplaceNamespacedPodStatusAsync(pod, pod.Metadata.Name, Namespace);
        await Poll.UntilAsync(() => _pods.Get(new ObjectKey(Namespace, pod.Metadata.Name))?.Metadata.ResourceVersion == written.Metadata.ResourceVersion,
            $"the pod cache sees {pod.Metadata.Name}");
    }
}
