using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using SlmFleet.Api;
using SlmFleet.Api.V1Alpha1;
using SlmFleet.Router.Budget;
using SlmFleet.Router.Hosting;
using SlmFleet.Router.Kubernetes;
using SlmFleet.Router.Observability;
using SlmFleet.Router.Policies;
using SlmFleet.Router.Slm;
using SlmFleet.Router.Tests.Infrastructure;
using SlmFleet.Testing;
using SlmFleet.Testing.Kubernetes;

namespace SlmFleet.Router.Tests.Kubernetes;

/// <summary>Cluster mode against the Kubernetes API test server: list + watch of policies, deployments and EndpointSlices.</summary>
[TestFixture]
public sealed class ClusterWatcherTests
{
    private const string Ns = "default";
    private static readonly Uri Worker = new("http://127.0.0.1:50051");

    private KubeApiTestServer _server = null!;
    private k8s.Kubernetes _client = null!;
    private PolicyStore _store = null!;
    private SlmEndpointRegistry _registry = null!;
    private CancellationTokenSource _stop = null!;
    private Task _watching = null!;

    [SetUp]
    public async Task SetUp()
    {
        _server = await KubeApiTestServer.StartAsync();
        FleetResourceTypes.RegisterOn(_server);
        _client = _server.CreateClient();
        _store = new PolicyStore();
        _registry = new SlmEndpointRegistry();
        var metrics = new RouterMetrics();
        var watcher = new ClusterWatcher(new RouterOptions(), _store, _registry, new BudgetTracker(TimeProvider.System, metrics), new SlmFleet.Router.Calibration.ThresholdCalibrator(metrics, NullLogger<SlmFleet.Router.Calibration.ThresholdCalibrator>.Instance), metrics, TimeProvider.System, NullLogger<ClusterWatcher>.Instance);
        _stop = new CancellationTokenSource();
        _watching = watcher.RunAsync(_client, Ns, _stop.Token);
    }

    [TearDown]
    public async Task TearDown()
    {
        await _stop.CancelAsync();
        try
        {
            await _watching;
        }
        catch (OperationCanceledException)
        {
            // The watches end by cancellation.
        }

        _stop.Dispose();
        _registry.Dispose();
        _client.Dispose();
        await _server.DisposeAsync();
    }

    [Test]
    public async Task RunAsync_PolicyDeploymentAndSlice_ServesAliasModelAndEndpoint()
    {
        await CreateDeploymentAsync("qwen", "qwen-1.5b");
        await CreatePolicyAsync("support", "support-bot", "https://api.openai.com/v1");
        await CreateSliceAsync("qwen-worker-abcde", ready: true);

        await Poll.UntilAsync(() => Task.FromResult(_store.Current.TryResolve("support-bot", out _)), "the policy alias");
        await Poll.UntilAsync(() => Task.FromResult(_store.Current.TryResolve("qwen-1.5b", out _)), "the deployment's served name");
        await Poll.UntilAsync(() => Task.FromResult(Addresses().SequenceEqual([Worker])), "the worker endpoint");

        _store.Current.Policies.Should().ContainSingle().Which.Slm.DeploymentRef.Name.Should().Be("qwen");
        _store.Current.Deployments.Should().ContainSingle().Which.Should().Be(new SlmDeploymentEntry("qwen", "qwen-1.5b"));
    }

    [Test]
    public async Task RunAsync_SliceDeleted_DropsEndpoints()
    {
        await CreateSliceAsync("qwen-worker-abcde", ready: true);
        await Poll.UntilAsync(() => Task.FromResult(Addresses().SequenceEqual([Worker])), "the worker endpoint");

        await _client.DiscoveryV1.DeleteNamespacedEndpointSliceAsync("qwen-worker-abcde", Ns);

        await Poll.UntilAsync(() => Task.FromResult(Addresses().Count == 0), "the endpoint to be dropped");
    }

    [Test]
    public async Task RunAsync_EndpointNoLongerReady_DropsIt()
    {
        await CreateSliceAsync("qwen-worker-abcde", ready: true);
        await Poll.UntilAsync(() => Task.FromResult(Addresses().SequenceEqual([Worker])), "the worker endpoint");

        var slice = await _client.DiscoveryV1.ReadNamespacedEndpointSliceAsync("qwen-worker-abcde", Ns);
        slice.Endpoints[0].Conditions.Ready = false;
        await _client.DiscoveryV1.ReplaceNamespacedEndpointSliceAsync(slice, slice.Metadata.Name, Ns);

        await Poll.UntilAsync(() => Task.FromResult(Addresses().Count == 0), "the not-ready endpoint to be dropped");
    }

    [Test]
    public async Task RunAsync_SliceOfAnotherService_NeitherPooledNorLabelled()
    {
        // Another Service in the namespace (say a cache), then the worker's: only the worker's is pooled.
        await CreateSliceAsync("redis-xyz12", ready: true, new Dictionary<string, string> { ["kubernetes.io/service-name"] = "redis", ["app"] = "redis" });
        await CreateSliceAsync("qwen-worker-abcde", ready: true);

        await Poll.UntilAsync(() => Task.FromResult(Addresses().SequenceEqual([Worker])), "the worker endpoint");

        _registry.Pools.Select(p => p.Key).Should().Equal("qwen");
    }

    [Test]
    public async Task RunAsync_InvalidPolicy_SkippedAndOthersServed()
    {
        await CreatePolicyAsync("broken", "broken-bot", "not a url");
        await CreatePolicyAsync("support", "support-bot", "https://api.openai.com/v1");

        await Poll.UntilAsync(() => Task.FromResult(_store.Current.TryResolve("support-bot", out _)), "the valid policy");

        _store.Current.TryResolve("broken-bot", out _).Should().BeFalse();
        _store.Current.Policies.Select(p => p.ModelAlias).Should().Equal("support-bot");
    }

    [Test]
    public async Task RunAsync_ValidPolicyEditedIntoAnInvalidOne_KeepsServingItsLastValidVersion()
    {
        await CreatePolicyAsync("support", "support-bot", "https://api.openai.com/v1");
        await Poll.UntilAsync(() => Task.FromResult(_store.Current.TryResolve("support-bot", out _)), "the valid policy");

        var policy = await _client.CustomObjects.GetNamespacedCustomObjectAsync<V1Alpha1RoutingPolicy>(ApiGroup.Group, ApiGroup.Version, Ns, V1Alpha1RoutingPolicy.Plural, "support");
        policy.Spec.Llm.BaseUrl = "not a url";
        policy.Spec.Escalation = new EscalationSpec { ConfidenceThreshold = 0.5 };
        await _client.CustomObjects.ReplaceNamespacedCustomObjectAsync(policy, ApiGroup.Group, ApiGroup.Version, Ns, V1Alpha1RoutingPolicy.Plural, "support");
        await CreatePolicyAsync("other", "other-bot", "https://api.openai.com/v1");
        await Poll.UntilAsync(() => Task.FromResult(_store.Current.TryResolve("other-bot", out _)), "a later event to be processed");

        _store.Current.TryResolve("support-bot", out var served).Should().BeTrue("a broken edit must not take the alias offline");
        served.Policy!.Llm.BaseUrl.Should().Be("https://api.openai.com/v1");
        served.Policy.Escalation.Should().BeNull("the last valid version's threshold stays in force");
    }

    private IReadOnlyList<Uri> Addresses() => [.. _registry.Get("qwen").Endpoints.Select(e => e.Address)];

    private Task CreateDeploymentAsync(string name, string servedModel) =>
        _client.CustomObjects.CreateNamespacedCustomObjectAsync(
            new V1Alpha1SlmDeployment
            {
                Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = Ns },
                Spec = new SlmDeploymentSpec { Model = new ModelSpec { Name = servedModel } },
            },
            ApiGroup.Group, ApiGroup.Version, Ns, V1Alpha1SlmDeployment.Plural);

    private Task CreatePolicyAsync(string name, string alias, string llmBaseUrl) =>
        _client.CustomObjects.CreateNamespacedCustomObjectAsync(
            new V1Alpha1RoutingPolicy
            {
                Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = Ns },
                Spec = new RoutingPolicySpec
                {
                    ModelAlias = alias,
                    Slm = new SlmTargetSpec { DeploymentRef = new LocalObjectReference { Name = "qwen" } },
                    Llm = new LlmTargetSpec { BaseUrl = llmBaseUrl, Model = "gpt-4o-mini" },
                },
            },
            ApiGroup.Group, ApiGroup.Version, Ns, V1Alpha1RoutingPolicy.Plural);

    /// <summary>A slice as the EndpointSlice controller writes it for the operator's worker Service "qwen-worker".</summary>
    private Task CreateSliceAsync(string name, bool ready) =>
        CreateSliceAsync(name, ready, new Dictionary<string, string> { ["kubernetes.io/service-name"] = "qwen-worker", ["slmfleet.io/deployment"] = "qwen" });

    /// <summary>A slice with the given labels (the EndpointSlice controller mirrors the Service's labels and adds service-name).</summary>
    private Task CreateSliceAsync(string name, bool ready, Dictionary<string, string> labels) =>
        _client.DiscoveryV1.CreateNamespacedEndpointSliceAsync(
            new V1EndpointSlice
            {
                Metadata = new V1ObjectMeta
                {
                    Name = name,
                    NamespaceProperty = Ns,
                    Labels = labels,
                },
                AddressType = "IPv4",
                Endpoints = [new V1Endpoint { Addresses = ["127.0.0.1"], Conditions = new V1EndpointConditions { Ready = ready } }],
                Ports = [new Discoveryv1EndpointPort { Name = "metrics", Port = 9090 }, new Discoveryv1EndpointPort { Name = "grpc", Port = Worker.Port }],
            },
            Ns);
}
