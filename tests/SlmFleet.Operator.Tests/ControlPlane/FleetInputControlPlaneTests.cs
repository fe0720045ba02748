using FluentAssertions;
using k8s;
using k8s.Models;
using NUnit.Framework;
using SlmFleet.Api.V1Alpha1;
using SlmFleet.Operator.RoutingPolicies;
using SlmFleet.Operator.SlmDeployments;
using SlmFleet.Testing;
using SlmFleet.Testing.ControlPlane;
using static SlmFleet.Operator.Tests.SlmDeployments.SlmDeploymentFixtures;

namespace SlmFleet.Operator.Tests.ControlPlane;

/// <summary>
/// Bad input that depends on other objects, against a real kube-apiserver: an HorizontalPodAutoscaler
/// beside the built-in autoscaler, a missing or ReadWriteOnce model-cache claim, minReplicas 0 without a
/// RoutingPolicy. Each is a condition and one Warning Event; the objects are created, validated and
/// watched by the real API server (autoscaling/v2, core/v1 PVCs, the RoutingPolicy CRD).
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class FleetInputControlPlaneTests
{
    /// <summary>Many autoscaler passes at <see cref="AutoscaleInterval"/>.</summary>
    private static readonly TimeSpan Quiet = TimeSpan.FromSeconds(3);

    private static readonly TimeSpan AutoscaleInterval = TimeSpan.FromMilliseconds(250);

    private KubeControlPlane _plane = null!;
    private Kubernetes _admin = null!;
    private string _ns = null!;

    [SetUp]
    public async Task SetUp()
    {
        _plane = await RealOperator.ControlPlaneAsync();
        _admin = _plane.CreateClient();
        _ns = await _plane.CreateNamespaceAsync("inputs");
    }

    [TearDown]
    public void TearDown() => _admin?.Dispose();

    [Test]
    public async Task HpaTargetsSlmDeployment_AutoscalerStandsDownWithConditionAndOneEvent_ResumesWhenItIsDeleted()
    {
        // Arrange: below minReplicas, so the built-in autoscaler would raise spec.replicas 1 -> 2 on its first pass.
        await _admin.AutoscalingV2.CreateNamespacedHorizontalPodAutoscalerAsync(new V2HorizontalPodAutoscaler
        {
            Metadata = new V1ObjectMeta { Name = "qwen-hpa" },
            Spec = new V2HorizontalPodAutoscalerSpec
            {
                ScaleTargetRef = new V2CrossVersionObjectReference { ApiVersion = "slmfleet.io/v1alpha1", Kind = V1Alpha1SlmDeployment.KindName, Name = "hpa" },
                MinReplicas = 2,
                MaxReplicas = 6,
            },
        }, _ns);
        await using var op = await RealOperator.StartAsync(_plane, _ns, AutoscaleInterval);

        // Act
        await CreateAsync("hpa", s => (s.Replicas, s.MinReplicas) = (1, 2));
        var status = await UntilStatusAsync("hpa", s => Condition(s, ConditionTypes.AutoscalerActive)?.Reason == ConditionReasons.ExternalAutoscaler);
        await Task.Delay(Quiet);

        // Assert
        Condition(status, ConditionTypes.AutoscalerActive)!.Message.Should().Contain($"HorizontalPodAutoscaler {_ns}/qwen-hpa (minReplicas 2, maxReplicas 6)");
        op.Requests.Writes.Where(r => r.Path.EndsWith("/scale", StringComparison.Ordinal)).Should().BeEmpty("the built-in autoscaler stands down while the HPA exists");
        (await GetAsync("hpa")).Spec.Replicas.Should().Be(1);
        (await EventsAsync("hpa")).Should().ContainSingle(e => e.Reason == ConditionReasons.ExternalAutoscaler && e.Type == "Warning")
            .Which.Message.Should().Contain("qwen-hpa");

        await _admin.AutoscalingV2.DeleteNamespacedHorizontalPodAutoscalerAsync("qwen-hpa", _ns);
        await Poll.UntilAsync(async () => (await GetAsync("hpa")).Spec.Replicas == 2, "the built-in autoscaler raises spec.replicas to minReplicas once the HPA is gone");
        await UntilStatusAsync("hpa", s => Condition(s, ConditionTypes.AutoscalerActive)?.Status == "True");
    }

    [Test]
    public async Task CacheClaimMissing_ConditionAndOneEventNoWorkers_CreatedClaimUnblocks()
    {
        // Arrange
        await using var op = await RealOperator.StartAsync(_plane, _ns);

        // Act
        await CreateAsync("nocache", s => s.ModelCache = new ModelCacheSpec { PersistentVolumeClaim = "model-cache" });
        var status = await UntilStatusAsync("nocache", s => Condition(s, ConditionTypes.CacheVolumeReady)?.Reason == ConditionReasons.CacheVolumeMissing);
        await Task.Delay(Quiet);

        // Assert
        Condition(status, ConditionTypes.Ready)!.Reason.Should().Be(ConditionReasons.CacheVolumeMissing);
        Condition(status, ConditionTypes.CacheVolumeReady)!.Message.Should().Contain($"PersistentVolumeClaim {_ns}/model-cache not found");
        (await EventsAsync("nocache")).Should().ContainSingle(e => e.Reason == ConditionReasons.CacheVolumeMissing && e.Type == "Warning")
            .Which.Message.Should().Contain("model-cache");
        (await _admin.AppsV1.ListNamespacedDeploymentAsync(_ns)).Items.Should().BeEmpty("a worker Deployment without its claim would only leave pods Pending");

        await _admin.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(Claim("model-cache", "ReadWriteMany"), _ns);
        await UntilStatusAsync("nocache", s => Condition(s, ConditionTypes.CacheVolumeReady)?.Status == "True");
        await Poll.UntilAsync(async () => (await _admin.AppsV1.ListNamespacedDeploymentAsync(_ns)).Items.Count == 1, "the worker Deployment once the claim exists");
    }

    [Test]
    public async Task ReadWriteOnceCacheClaimWithMaxReplicasFour_ConditionWithTheNumbersAndOneEvent()
    {
        // Arrange
        await _admin.CoreV1.CreateNamespacedPersistentVolumeClaimAsync(Claim("rwo-cache", "ReadWriteOnce"), _ns);
        await using var op = await RealOperator.StartAsync(_plane, _ns);

        // Act
        await CreateAsync("rwo", s => (s.MaxReplicas, s.ModelCache) = (4, new ModelCacheSpec { PersistentVolumeClaim = "rwo-cache" }));
        var status = await UntilStatusAsync("rwo", s => Condition(s, ConditionTypes.CacheVolumeReady) is not null);
        await Task.Delay(Quiet);

        // Assert
        var cache = Condition(status, ConditionTypes.CacheVolumeReady)!;
        cache.Status.Should().Be("False");
        cache.Reason.Should().Be(ConditionReasons.CacheVolumeReadWriteOnce);
        cache.Message.Should().Contain($"PersistentVolumeClaim {_ns}/rwo-cache is ReadWriteOnce but spec.maxReplicas is 4");
        (await EventsAsync("rwo")).Where(e => e.Reason == ConditionReasons.CacheVolumeReadWriteOnce).Should().ContainSingle();
        (await _admin.AppsV1.ReadNamespacedDeploymentAsync("rwo-worker", _ns)).Spec.Template.Spec.Volumes
            .Should().Contain(v => v.PersistentVolumeClaim != null && v.PersistentVolumeClaim.ClaimName == "rwo-cache", "a warning, not a block");
    }

    [Test]
    public async Task MinReplicasZeroWithoutRoutingPolicy_ConditionAndOneEvent_PolicyClearsIt()
    {
        // Arrange
        await using var op = await RealOperator.StartAsync(_plane, _ns);

        // Act
        await CreateAsync("cold", s => (s.Replicas, s.MinReplicas) = (0, 0));
        var status = await UntilStatusAsync("cold", s => Condition(s, ConditionTypes.ScaleFromZero) is not null);
        await Task.Delay(Quiet);
        var eventsBefore = await EventsAsync("cold");
        await _admin.CustomObjects.CreateNamespacedCustomObjectAsync(Policy("cold-chat", "cold"), RoutingPolicyResource.Group, RoutingPolicyResource.Version, _ns, RoutingPolicyResource.Plural);
        var cleared = await UntilStatusAsync("cold", s => Condition(s, ConditionTypes.ScaleFromZero)?.Status == "True");

        // Assert
        var condition = Condition(status, ConditionTypes.ScaleFromZero)!;
        condition.Status.Should().Be("False");
        condition.Reason.Should().Be(ConditionReasons.NoRoutingPolicy);
        condition.Message.Should().Contain($"no RoutingPolicy in namespace {_ns} routes to SlmDeployment cold");
        eventsBefore.Should().ContainSingle(e => e.Reason == ConditionReasons.NoRoutingPolicy && e.Type == "Warning");
        Condition(cleared, ConditionTypes.ScaleFromZero)!.Message.Should().Contain("RoutingPolicy cold-chat");
    }

    private static V1Condition? Condition(SlmDeploymentStatus status, string type) => status.Conditions?.FirstOrDefault(c => c.Type == type);

    private static V1PersistentVolumeClaim Claim(string name, string accessMode) => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new V1PersistentVolumeClaimSpec
        {
            AccessModes = [accessMode],
            Resources = new V1VolumeResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["storage"] = new("10Gi") } },
        },
    };

    private V1Alpha1RoutingPolicy Policy(string name, string deployment) => new()
    {
        ApiVersion = "slmfleet.io/v1alpha1",
        Kind = "RoutingPolicy",
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = _ns },
        Spec = new RoutingPolicySpec
        {
            ModelAlias = name,
            Slm = new SlmTargetSpec { DeploymentRef = new LocalObjectReference { Name = deployment } },
            Llm = new LlmTargetSpec { BaseUrl = "https://api.openai.com/v1", Model = "gpt-4o-mini" },
        },
    };

    private async Task CreateAsync(string name, Action<SlmDeploymentSpec> edit)
    {
        var resource = Valid();
        resource.Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = _ns };
        edit(resource.Spec);
        await _admin.CustomObjects.CreateNamespacedCustomObjectAsync<V1Alpha1SlmDeployment>(resource, SlmDeploymentResource.Group, SlmDeploymentResource.Version, _ns, SlmDeploymentResource.Plural);
    }

    private Task<V1Alpha1SlmDeployment> GetAsync(string name) =>
        _admin.CustomObjects.GetNamespacedCustomObjectAsync<V1Alpha1SlmDeployment>(SlmDeploymentResource.Group, SlmDeploymentResource.Version, _ns, SlmDeploymentResource.Plural, name);

    private async Task<SlmDeploymentStatus> UntilStatusAsync(string name, Func<SlmDeploymentStatus, bool> condition)
    {
        SlmDeploymentStatus? found = null;
        await Poll.UntilAsync(
            async () =>
            {
                found = (await GetAsync(name)).Status;
                return found is not null && condition(found);
            },
            $"status of {name}");
        return found!;
    }

    private async Task<IReadOnlyList<Corev1Event>> EventsAsync(string name) =>
        [.. (await _admin.CoreV1.ListNamespacedEventAsync(_ns)).Items.Where(e => e.InvolvedObject.Name == name)];
}
