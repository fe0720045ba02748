using System.Diagnostics;
using System.Net;
using k8s;
using k8s.Models;
using SlmFleet.Api;
using SlmFleet.Api.V1Alpha1;
using SlmFleet.Router.Routing;
using SlmFleet.Router.Tests.Infrastructure;
using SlmFleet.Testing;

namespace SlmFleet.Router.Tests.Integration;

/// <summary>
/// Scale from zero, router side, in cluster mode against the Kubernetes API test server: SlmDeployment
/// <c>qwen</c> has <c>minReplicas: 0</c> and no endpoints until a test writes its EndpointSlice (as the
/// EndpointSlice controller would once the operator's replica is ready). A real worker (TinyWorker)
/// serves once it is listed; the LLM is the local stand-in.
/// </summary>
[TestFixture]
public sealed class ColdStartTests
{
    private const string Ns = "default";
    private const string Alias = "cold-bot";

    private ClusterRouterRig _rig = null!;

    [SetUp]
    public async Task SetUp() => _rig = await ClusterRouterRig.StartAsync(Ns, TimeProvider.System);

    [TearDown]
    public Task TearDown() => _rig.DisposeAsync().AsTask();

    [Test]
    public async Task PredictedWarmUpBeyondObjective_LlmAnswersAtOnce_DemandRecorded()
    {
        await StartColdAsync(predictedWarmUpSeconds: 120, new ColdStartSpec { MaxWaitMilliseconds = 5000 });

        var clock = Stopwatch.StartNew();
        var response = await AskAsync();

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        TestRouter.Header(response, RequestRouter.RouteHeader).Should().Be("llm");
        TestRouter.Header(response, RequestRouter.ReasonHeader).Should().Be(RouteReasons.ColdStart);
        TestRouter.Header(response, RequestRouter.ColdStartHeader).Should().Be("predicted_late");
        TestRouter.Header(response, RequestRouter.ColdStartWaitHeader).Should().Be("0");
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(5), "a request predicted to wait past its objective is not held");
        _rig.Llm.Requests.Should().HaveCount(1);
        await Poll.UntilAsync(() => DemandAt() is not null, "the router records demand on the SlmDeployment");
        DateTimeOffset.Parse(DemandAt()!, System.Globalization.CultureInfo.InvariantCulture).Should().BeCloseTo(DateTimeOffset.UtcNow, TimeSpan.FromMinutes(1));
        (await _rig.Router.MetricAsync("slm_router_cold_start_requests_total", ("model", Alias), ("decision", "predicted_late"))).Should().Be(1);
        (await _rig.Router.MetricAsync("slm_router_escalations_total", ("model", Alias), ("reason", RouteReasons.ColdStart))).Should().Be(1);
    }

    [Test]
    public async Task ReplicaReadyWithinObjective_HeldThenServedByTheSlm()
    {
        await StartColdAsync(predictedWarmUpSeconds: 2, new ColdStartSpec { MaxWaitMilliseconds = 20000 });
        var worker = await TinyWorker.AddressAsync();

        var asking = AskAsync();
        await Poll.UntilAsync(() => DemandAt() is not null, "the router records demand on the SlmDeployment");
        await Task.Delay(200);
        asking.IsCompleted.Should().BeFalse("no replica is ready yet");
        await CreateSliceAsync(worker);
        var response = await asking;

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        TestRouter.Header(response, RequestRouter.RouteHeader).Should().Be("slm");
        TestRouter.Header(response, RequestRouter.ColdStartHeader).Should().Be("hold");
        int.Parse(TestRouter.Header(response, RequestRouter.ColdStartWaitHeader), System.Globalization.CultureInfo.InvariantCulture).Should().BeGreaterThanOrEqualTo(200);
        _rig.Llm.Requests.Should().BeEmpty();
        (await _rig.Router.MetricAsync("slm_router_cold_start_requests_total", ("model", Alias), ("decision", "hold"))).Should().Be(1);

        // Warm now: the next request is not a cold one.
        var warm = await AskAsync();
        TestRouter.Header(warm, RequestRouter.ColdStartHeader).Should().BeEmpty();
    }

    [Test]
    public async Task ScaleUpBeganBeforeThisRouterSawTheFleetCold_PredictionCountsFromTheOperatorsScaleTime()
    {
        // Predicted 60 s against a 10 s objective: from this router's own clock that is predicted_late, but the
        // operator scaled the fleet up 55 s ago (another router recorded the demand), so 5 s remain: hold.
        await CreateDeploymentAsync(minReplicas: 0, predictedWarmUpSeconds: 60);
        await _rig.Client.CustomObjects.PatchNamespacedCustomObjectStatusAsync(
            new V1Patch(new { status = new SlmDeploymentStatus { DesiredReplicas = 1, ReadyReplicas = 0, LastScaleTime = DateTime.UtcNow.AddSeconds(-55) } }, V1Patch.PatchType.MergePatch),
            ApiGroup.Group, ApiGroup.Version, Ns, V1Alpha1SlmDeployment.Plural, "qwen");
        await CreatePolicyAsync(new ColdStartSpec { MaxWaitMilliseconds = 10000 });
        await SeenAsync();
        var worker = await TinyWorker.AddressAsync();

        var asking = AskAsync();
        await Task.Delay(300);
        asking.IsCompleted.Should().BeFalse("the request is held for the replica");
        await CreateSliceAsync(worker);
        var response = await asking;

        TestRouter.Header(response, RequestRouter.ColdStartHeader).Should().Be("hold");
        TestRouter.Header(response, RequestRouter.RouteHeader).Should().Be("slm");
    }

    [Test]
    public async Task NoReplicaWithinObjective_HeldForTheObjectiveThenTheLlm()
    {
        await StartColdAsync(predictedWarmUpSeconds: null, new ColdStartSpec { MaxWaitMilliseconds = 600 });

        var clock = Stopwatch.StartNew();
        var response = await AskAsync();

        clock.Elapsed.Should().BeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(590));
        TestRouter.Header(response, RequestRouter.RouteHeader).Should().Be("llm");
        TestRouter.Header(response, RequestRouter.ReasonHeader).Should().Be(RouteReasons.ColdStart);
        TestRouter.Header(response, RequestRouter.ColdStartHeader).Should().Be("wait_expired");
    }

    [Test]
    public async Task HoldQueueFull_NextRequestGoesToTheLlmAtOnce()
    {
        await StartColdAsync(predictedWarmUpSeconds: 1, new ColdStartSpec { MaxWaitMilliseconds = 3000, MaxQueued = 1 });

        var held = AskAsync();
        await Poll.UntilAsync(() => DemandAt() is not null, "the first request is held");
        await Task.Delay(100);
        var overflow = await AskAsync();

        TestRouter.Header(overflow, RequestRouter.ColdStartHeader).Should().Be("queue_full");
        TestRouter.Header(overflow, RequestRouter.ReasonHeader).Should().Be(RouteReasons.ColdStart);
        held.IsCompleted.Should().BeFalse();
        TestRouter.Header(await held, RequestRouter.ColdStartHeader).Should().Be("wait_expired");
    }

    [Test]
    public async Task FleetWithMinReplicasAboveZero_NoEndpoints_UnavailableAsBefore()
    {
        await CreateDeploymentAsync(minReplicas: 1, predictedWarmUpSeconds: null);
        await CreatePolicyAsync(new ColdStartSpec());
        await SeenAsync();

        var response = await AskAsync();

        TestRouter.Header(response, RequestRouter.ReasonHeader).Should().Be(RouteReasons.Unavailable);
        TestRouter.Header(response, RequestRouter.ColdStartHeader).Should().BeEmpty();
        DemandAt().Should().BeNull();
    }

    [Test]
    public async Task CandidateAtZero_SampledCopyFindsNoReplica_DemandRecordedOnTheCandidate()
    {
        await CreateDeploymentAsync(minReplicas: 1, predictedWarmUpSeconds: null);
        await CreateDeploymentAsync(minReplicas: 0, predictedWarmUpSeconds: null, name: "qwen-next", servedModel: "qwen-next-1.5b");
        await CreateSliceAsync(await TinyWorker.AddressAsync());
        await CreatePolicyAsync(new ColdStartSpec(), new CandidateSpec { DeploymentRef = new LocalObjectReference { Name = "qwen-next" }, SampleRate = 1 });
        await Poll.UntilAsync(() => _rig.Router.ServesAsync(Alias), "the router to serve the policy");
        await Poll.UntilAsync(() => _rig.Router.ServesAsync("qwen-next-1.5b"), "the router to see the candidate");
        await Poll.UntilAsync(async () => await _rig.Router.MetricAsync("slm_router_slm_endpoints", ("deployment", "qwen")) >= 1, "the router to see the primary's endpoint");

        var response = await AskAsync();

        TestRouter.Header(response, RequestRouter.RouteHeader).Should().Be("slm");
        await Poll.UntilAsync(() => DemandAt("qwen-next") is not null, "the router records demand on the candidate");
        DemandAt().Should().BeNull("the primary fleet has a ready replica");
    }

    private async Task StartColdAsync(double? predictedWarmUpSeconds, ColdStartSpec coldStart)
    {
        await CreateDeploymentAsync(minReplicas: 0, predictedWarmUpSeconds);
        await CreatePolicyAsync(coldStart);
        await SeenAsync();
    }

    /// <summary>
    /// Waits until the router has seen the policy and every SlmDeployment event so far (the prediction in
    /// qwen's status included): a watch delivers in order, so once a marker SlmDeployment created last is
    /// served, everything before it was handled.
    /// </summary>
    private async Task SeenAsync()
    {
        await Poll.UntilAsync(() => _rig.Router.ServesAsync(Alias), "the router to serve the policy");
        await CreateDeploymentAsync(minReplicas: 1, predictedWarmUpSeconds: null, name: "marker", servedModel: "marker-model");
        await Poll.UntilAsync(() => _rig.Router.ServesAsync("marker-model"), "the router to see the SlmDeployments");
    }

    private Task<HttpResponseMessage> AskAsync() =>
        _rig.Router.PostJsonAsync("/v1/chat/completions", $$"""{"model":"{{Alias}}","messages":[{"role":"user","content":"hi"}],"max_tokens":4}""");

    private string? DemandAt(string deployment = "qwen") =>
        _rig.Server.Get<V1Alpha1SlmDeployment>(ApiGroup.Group, V1Alpha1SlmDeployment.Plural, Ns, deployment)?.Metadata.Annotations is { } annotations
        && annotations.TryGetValue(ApiGroup.DemandAnnotation, out var at) ? at : null;

    private async Task CreateDeploymentAsync(int minReplicas, double? predictedWarmUpSeconds, string name = "qwen", string servedModel = "qwen-1.5b")
    {
        await _rig.Client.CustomObjects.CreateNamespacedCustomObjectAsync(
            new V1Alpha1SlmDeployment
            {
                Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = Ns },
                Spec = new SlmDeploymentSpec { Model = new ModelSpec { Name = servedModel }, MinReplicas = minReplicas, Replicas = 0 },
            },
            ApiGroup.Group, ApiGroup.Version, Ns, V1Alpha1SlmDeployment.Plural);
        if (predictedWarmUpSeconds is { } predicted)
        {
            // What the operator's autoscaler publishes after measuring earlier starts.
            await _rig.Client.CustomObjects.PatchNamespacedCustomObjectStatusAsync(
                new V1Patch(new { status = new SlmDeploymentStatus { WarmUp = new WarmUpStatus { PredictedSeconds = predicted, Samples = 3 } } }, V1Patch.PatchType.MergePatch),
                ApiGroup.Group, ApiGroup.Version, Ns, V1Alpha1SlmDeployment.Plural, name);
        }
    }

    private Task CreatePolicyAsync(ColdStartSpec coldStart, CandidateSpec? candidate = null) =>
        _rig.Client.CustomObjects.CreateNamespacedCustomObjectAsync(
            new V1Alpha1RoutingPolicy
            {
                Metadata = new V1ObjectMeta { Name = "cold-policy", NamespaceProperty = Ns },
                Spec = new RoutingPolicySpec
                {
                    ModelAlias = Alias,
                    Slm = new SlmTargetSpec { DeploymentRef = new LocalObjectReference { Name = "qwen" }, ColdStart = coldStart },
                    Llm = new LlmTargetSpec { BaseUrl = _rig.Llm.BaseUrl.ToString(), Model = "big-llm", InputPricePerMillionTokens = 10, OutputPricePerMillionTokens = 30 },
                    // The tiny worker's confidence is whatever its random weights give: the tests are about the replica, not the threshold.
                    Escalation = new EscalationSpec { ConfidenceThreshold = 0 },
                    Candidate = candidate,
                },
            },
            ApiGroup.Group, ApiGroup.Version, Ns, V1Alpha1RoutingPolicy.Plural);

    /// <summary>What the EndpointSlice controller writes once the replica behind Service qwen-worker is ready.</summary>
    private Task CreateSliceAsync(Uri worker) =>
        _rig.Client.DiscoveryV1.CreateNamespacedEndpointSliceAsync(
            new V1EndpointSlice
            {
                Metadata = new V1ObjectMeta
                {
                    Name = "qwen-worker-abcde",
                    NamespaceProperty = Ns,
                    Labels = new Dictionary<string, string> { ["kubernetes.io/service-name"] = "qwen-worker", ["slmfleet.io/deployment"] = "qwen" },
                },
                AddressType = "IPv4",
                Endpoints = [new V1Endpoint { Addresses = ["127.0.0.1"], Conditions = new V1EndpointConditions { Ready = true } }],
                Ports = [new Discoveryv1EndpointPort { Name = "grpc", Port = worker.Port }],
            },
            Ns);
}
