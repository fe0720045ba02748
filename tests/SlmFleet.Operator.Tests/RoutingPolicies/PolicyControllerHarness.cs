using System.Text;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Prometheus;
using SlmFleet.Api.V1Alpha1;
using SlmFleet.Operator.RoutingPolicies;
using SlmFleet.Operator.Runtime;
using SlmFleet.Operator.SlmDeployments;
using SlmFleet.Testing;
using SlmFleet.Testing.Kubernetes;

namespace SlmFleet.Operator.Tests.RoutingPolicies;

/// <summary>
/// The RoutingPolicy controller as <c>slm-operator run</c> wires it (informers, queue, reconciler,
/// usage collector) against the Kubernetes API test server, with router pages from a <see cref="FakeUsageSource"/>.
/// </summary>
internal sealed class PolicyControllerHarness : IAsyncDisposable
{
    public static readonly ResourceType RoutingPolicyType = new(RoutingPolicyResource.Group, RoutingPolicyResource.Version, RoutingPolicyResource.Plural, V1Alpha1RoutingPolicy.KindName, HasStatus: true);
    public static readonly ResourceType SlmDeploymentType = new(SlmDeploymentResource.Group, SlmDeploymentResource.Version, SlmDeploymentResource.Plural, V1Alpha1SlmDeployment.KindName, HasStatus: true);

    private readonly CancellationTokenSource _stop = new();
    private Task _running = Task.CompletedTask;
    private long _reconciles;

    private PolicyControllerHarness(KubeApiTestServer server, TimeSpan usageInterval)
    {
        Server = server;
        Client = server.CreateClient();
        var manager = new ControllerManager(Client, new ManagerOptions { Informers = new InformerOptions { InitialBackoff = TimeSpan.FromMilliseconds(20), MaxBackoff = TimeSpan.FromMilliseconds(500) } },
            TimeProvider.System, NullLoggerFactory.Instance, new RuntimeMetrics(Registry));
        var (_, reconciler, collector) = RoutingPolicyController.Add(
            manager, Client, null, RoutingPolicyFixtures.Namespace, new RoutingPolicyOptions { UsageInterval = usageInterval }, 2, Registry, NullLoggerFactory.Instance, Usage);
        reconciler.PlanApplied = _ => Interlocked.Increment(ref _reconciles);
        Collector = collector;
        Manager = manager;
    }

    public KubeApiTestServer Server { get; }

    public Kubernetes Client { get; }

    public ControllerManager Manager { get; }

    public RouterUsageCollector Collector { get; }

    public FakeUsageSource Usage { get; } = new();

    public CollectorRegistry Registry { get; } = Metrics.NewCustomRegistry();

    /// <summary>Reconciles that reached the apply step.</summary>
    public long Reconciles => Interlocked.Read(ref _reconciles);

    /// <param name="usageInterval">How often usage is read (default 10 minutes: effectively once).</param>
    /// <param name="beforeStart">Runs against the API server (and may set router pages) before the operator starts, as the world a restarted operator finds.</param>
    public static async Task<PolicyControllerHarness> StartAsync(TimeSpan? usageInterval = null, Func<PolicyControllerHarness, Task>? beforeStart = null)
    {
        var server = await KubeApiTestServer.StartAsync();
        server.RegisterResource(RoutingPolicyType);
        server.RegisterResource(SlmDeploymentType);
        var harness = new PolicyControllerHarness(server, usageInterval ?? TimeSpan.FromMinutes(10));
        if (beforeStart is not null)
        {
            await beforeStart(harness);
        }

        harness._running = Task.WhenAll(Task.Run(() => harness.Manager.RunAsync(harness._stop.Token)), Task.Run(() => harness.Collector.RunAsync(harness._stop.Token)));
        await harness.Manager.WaitForSyncAsync(CancellationToken.None).WaitAsync(Poll.DefaultTimeout);
        return harness;
    }

    public Task<V1Alpha1RoutingPolicy> CreateAsync(V1Alpha1RoutingPolicy policy)
    {
        policy.Metadata.Uid = null;
        policy.Metadata.Generation = null;
        return Client.CustomObjects.CreateNamespacedCustomObjectAsync<V1Alpha1RoutingPolicy>(
            policy, RoutingPolicyResource.Group, RoutingPolicyResource.Version, policy.Metadata.NamespaceProperty, RoutingPolicyResource.Plural);
    }

    public Task<V1Alpha1SlmDeployment> CreateAsync(V1Alpha1SlmDeployment deployment)
    {
        deployment.Metadata.Generation = null;
        return Client.CustomObjects.CreateNamespacedCustomObjectAsync<V1Alpha1SlmDeployment>(
            deployment, SlmDeploymentResource.Group, SlmDeploymentResource.Version, deployment.Metadata.NamespaceProperty, SlmDeploymentResource.Plural);
    }

    public Task<V1Secret> CreateSecretAsync(string name, IDictionary<string, string> data) =>
        Client.CoreV1.CreateNamespacedSecretAsync(
            new V1Secret { Metadata = new V1ObjectMeta { Name = name }, Data = data.ToDictionary(kv => kv.Key, kv => Encoding.UTF8.GetBytes(kv.Value)) },
            RoutingPolicyFixtures.Namespace);

    /// <summary>Writes a status as an earlier operator would have (through the status subresource).</summary>
    public async Task WriteStatusAsync(string name, RoutingPolicyStatus status)
    {
        var policy = await Client.CustomObjects.GetNamespacedCustomObjectAsync<V1Alpha1RoutingPolicy>(
            RoutingPolicyResource.Group, RoutingPolicyResource.Version, RoutingPolicyFixtures.Namespace, RoutingPolicyResource.Plural, name);
        policy.Status = status;
        await Client.CustomObjects.ReplaceNamespacedCustomObjectStatusAsync<V1Alpha1RoutingPolicy>(
            policy, RoutingPolicyResource.Group, RoutingPolicyResource.Version, RoutingPolicyFixtures.Namespace, RoutingPolicyResource.Plural, name);
    }

    public V1Alpha1RoutingPolicy? Get(string name) =>
        Server.Get<V1Alpha1RoutingPolicy>(RoutingPolicyResource.Group, RoutingPolicyResource.Plural, RoutingPolicyFixtures.Namespace, name);

    public V1Condition? Condition(string name, string type) =>
        Get(name)?.Status?.Conditions?.FirstOrDefault(c => c.Type == type);

    public IReadOnlyList<Corev1Event> Events(string name) =>
        [.. Server.List<Corev1Event>("", "events", RoutingPolicyFixtures.Namespace).Where(e => e.InvolvedObject.Name == name)];

    public async Task<string> MetricsTextAsync()
    {
        using var stream = new MemoryStream();
        await Registry.CollectAndExportAsTextAsync(stream);
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _running.WaitAsync(Poll.DefaultTimeout);
        Client.Dispose();
        _stop.Dispose();
        await Server.DisposeAsync();
    }
}
