using FluentAssertions;
using k8s;
using k8s.Models;
using NUnit.Framework;
using SlmFleet.Api.V1Alpha1;
using SlmFleet.Operator.SlmDeployments;
using SlmFleet.Testing.Kubernetes;
using static SlmFleet.Operator.Tests.SlmDeployments.SlmDeploymentFixtures;

namespace SlmFleet.Operator.Tests.SlmDeployments;

/// <summary>The reconciler against the Kubernetes API test server, through the real KubernetesClient.</summary>
[TestFixture]
public sealed class SlmDeploymentReconcilerTests
{
    private ReconcilerHarness _harness = null!;

    [SetUp]
    public async Task SetUp() => _harness = await ReconcilerHarness.StartAsync();

    [TearDown]
    public async Task TearDown() => await _harness.DisposeAsync();

    [Test]
    public async Task Reconcile_Created_OwnedObjectsAppearWithOwnerAndNoFinalizer()
    {
        // Arrange
        var created = await _harness.CreateAsync(Valid());

        // Act
        await _harness.ReconcileUntilDoneAsync("qwen");

        // Assert
        var deployment = _harness.Deployment("qwen");
        deployment.Should().NotBeNull();
        deployment!.Metadata.OwnerReferences.Should().ContainSingle(r => r.Uid == created.Metadata.Uid && r.Controller == true && r.BlockOwnerDeletion == true);
        deployment.Spec.Strategy.RollingUpdate.MaxUnavailable.Value.Should().Be("0");
        deployment.Spec.Template.Spec.Containers[0].Resources.Limits.Should().ContainKey("nvidia.com/gpu");
        _harness.Service("qwen")!.Spec.Ports.Select(p => p.Port).Should().Equal(WorkerPorts.Grpc, WorkerPorts.Metrics);
        _harness.Budget("qwen")!.Spec.MaxUnavailable.Value.Should().Be("1", "one pod at a time may be evicted, even at the warm floor, so node drains never block");
        var resource = _harness.Get("qwen")!;
        resource.Metadata.Finalizers.Should().BeNullOrEmpty("owner references and the garbage collector clean up; a finalizer would only hang deletion while the operator is down");
        resource.Status.ObservedGeneration.Should().Be(resource.Metadata.Generation);
        resource.Status.Endpoint.Should().Be("qwen-worker.ml.svc:50051");
        _harness.Events("qwen").Should().Contain(e => e.Reason == ConditionReasons.Created && e.Type == "Normal");
    }

    [Test]
    public async Task Reconcile_SpecChanged_RollsOutNewTemplate()
    {
        // Arrange
        await _harness.CreateAsync(Valid());
        await _harness.ReconcileUntilDoneAsync("qwen");
        var before = _harness.Deployment("qwen")!;
        var resource = _harness.Get("qwen")!;
        resource.Spec.Model.ChatTemplate = "phi3";
        var changed = await _harness.ReplaceAsync(resource);

        // Act
        await _harness.ReconcileUntilDoneAsync("qwen");

        // Assert
        var after = _harness.Deployment("qwen")!;
        after.Metadata.Generation.Should().BeGreaterThan(before.Metadata.Generation!.Value);
        after.Spec.Template.Spec.Containers[0].Args.Should().ContainInOrder("--chat-template", "phi3");
        _harness.Get("qwen")!.Status.ObservedGeneration.Should().Be(changed.Metadata.Generation);
        _harness.Events("qwen").Should().Contain(e => e.Reason == ConditionReasons.RollingOut);
    }

    [Test]
    public async Task Reconcile_Created_WritesDeploymentServiceBudgetStatusAndOneEvent()
    {
        // Arrange
        await _harness.CreateAsync(Valid());
        _harness.Server.Requests.Reset();

        // Act
        await _harness.ReconcileUntilDoneAsync("qwen");
        var firstPass = _harness.Server.Requests.Snapshot().Where(c => IsWrite(c.Key)).ToDictionary(c => c.Key, c => c.Value);
        _harness.Server.Requests.Reset();
        await _harness.ReconcileUntilDoneAsync("qwen");

        // Assert
        firstPass.Should().BeEquivalentTo(new Dictionary<string, long>
        {
            ["create deployments"] = 1,
            ["create services"] = 1,
            ["create poddisruptionbudgets"] = 1,
            ["update slmdeployments/status"] = 1,
            ["create events"] = 1,
        });
        _harness.Server.Requests.Writes.Should().Be(0, "the second reconcile finds everything in place");
    }

    [Test]
    public async Task Reconcile_Deleted_GoneAtOnceOwnedObjectsCollectedNothingWritten()
    {
        // Arrange
        await _harness.CreateAsync(Valid());
        await _harness.ReconcileUntilDoneAsync("qwen");

        // Act
        await _harness.Client.CustomObjects.DeleteNamespacedCustomObjectAsync(
            SlmDeploymentResource.Group, SlmDeploymentResource.Version, ReconcilerHarness.Namespace, SlmDeploymentResource.Plural, "qwen");
        _harness.Server.Requests.Reset();
        var attempts = await _harness.ReconcileUntilDoneAsync("qwen");

        // Assert
        _harness.Get("qwen").Should().BeNull("nothing holds the deletion");
        _harness.Deployment("qwen").Should().BeNull();
        _harness.Service("qwen").Should().BeNull();
        _harness.Budget("qwen").Should().BeNull();
        attempts.Should().Be(1);
        _harness.Server.Requests.Writes.Should().Be(0, "the garbage collector deletes the owned objects, not the operator");
    }

    [Test]
    public async Task Reconcile_LegacyFinalizerBesideForeignOnes_RemovesOnlyOursAndRollsOut()
    {
        // Arrange: an object as an older operator version left it, with other controllers' finalizers around ours.
        var resource = Valid();
        resource.Metadata.Finalizers = ["example.com/backup", SlmDeploymentResource.LegacyFinalizer, "example.com/audit"];
        await _harness.CreateAsync(resource);
        _harness.Server.Requests.Reset();

        // Act
        await _harness.ReconcileUntilDoneAsync("qwen");

        // Assert
        _harness.Get("qwen")!.Metadata.Finalizers.Should().Equal("example.com/backup", "example.com/audit");
        _harness.Server.Requests.Count(ApiVerb.Patch, SlmDeploymentResource.Plural).Should().Be(1);
        _harness.Deployment("qwen").Should().NotBeNull("the removal does not stop the rollout");
        _harness.Get("qwen")!.Status.ObservedGeneration.Should().Be(1);
    }

    [Test]
    public async Task Reconcile_LegacyFinalizerWhileDeleting_RemovesOnlyOursThenGarbageCollectorCleansUp()
    {
        // Arrange: workers running, our legacy finalizer and another controller's, then a delete.
        var resource = Valid();
        resource.Metadata.Finalizers = ["example.com/backup"];
        await _harness.CreateAsync(resource);
        await _harness.ReconcileUntilDoneAsync("qwen");
        await SetFinalizersAsync("""["example.com/backup","slmfleet.io/cleanup"]""");
        await _harness.Client.CustomObjects.DeleteNamespacedCustomObjectAsync(
            SlmDeploymentResource.Group, SlmDeploymentResource.Version, ReconcilerHarness.Namespace, SlmDeploymentResource.Plural, "qwen");
        _harness.Server.Requests.Reset();

        // Act
        await _harness.ReconcileUntilDoneAsync("qwen");
        var terminating = _harness.Get("qwen");
        var writes = _harness.Server.Requests.Writes;
        await SetFinalizersAsync("[]");

        // Assert
        terminating.Should().NotBeNull("the other controller's finalizer still holds it");
        terminating!.Metadata.Finalizers.Should().Equal("example.com/backup");
        writes.Should().Be(1, "one patch removes our finalizer; nothing is created or deleted for a terminating object");
        _harness.Get("qwen").Should().BeNull();
        _harness.Deployment("qwen").Should().BeNull("the garbage collector deletes the owned objects");
        _harness.Service("qwen").Should().BeNull();
        _harness.Budget("qwen").Should().BeNull();
    }

    [Test]
    public async Task Reconcile_LegacyFinalizerAndConcurrentForeignFinalizer_ConflictThenKeepsBoth()
    {
        // Arrange: another controller adds its finalizer after the reconciler read the object.
        var resource = Valid();
        resource.Metadata.Finalizers = [SlmDeploymentResource.LegacyFinalizer];
        await _harness.CreateAsync(resource);
        var reader = new InterleavingReader(_harness.Client, () => SetFinalizersAsync("""["slmfleet.io/cleanup","example.com/late"]"""));
        var reconciler = _harness.ReconcilerWith(reader);

        // Act
        var first = await reconciler.ReconcileAsync(ReconcilerHarness.Namespace, "qwen", CancellationToken.None);
        var second = await reconciler.ReconcileAsync(ReconcilerHarness.Namespace, "qwen", CancellationToken.None);

        // Assert
        first.Requeue.Should().BeTrue("the patch carried the stale resourceVersion and was answered 409");
        second.Requeue.Should().BeFalse();
        _harness.Get("qwen")!.Metadata.Finalizers.Should().Equal("example.com/late");
    }

    [Test]
    public async Task Reconcile_PodsWarmingAndReady_StatusCountsThem()
    {
        // Arrange
        var resource = Valid();
        resource.Spec.Replicas = 3;
        await _harness.CreateAsync(resource);
        await _harness.ReconcileUntilDoneAsync("qwen");
        var deployment = _harness.Deployment("qwen")!;
        deployment.Status = new V1DeploymentStatus { ObservedGeneration = deployment.Metadata.Generation, Replicas = 3, UpdatedReplicas = 3, ReadyReplicas = 1 };
        await _harness.Client.AppsV1.ReplaceNamespacedDeploymentStatusAsync(deployment, deployment.Metadata.Name, ReconcilerHarness.Namespace);

        // Act
        await _harness.ReconcileUntilDoneAsync("qwen");

        // Assert
        var status = _harness.Get("qwen")!.Status;
        status.Replicas.Should().Be(3);
        status.ReadyReplicas.Should().Be(1);
        status.WarmingReplicas.Should().Be(2);
        status.DesiredReplicas.Should().Be(3);
        status.Conditions.Should().Contain(c => c.Type == ConditionTypes.Ready && c.Status == "True");
        status.Conditions.Should().Contain(c => c.Type == ConditionTypes.Progressing && c.Status == "True");
    }

    [Test]
    public async Task Reconcile_Conflicts_StillConverges()
    {
        // Arrange
        await _harness.CreateAsync(Valid());
        _harness.Server.Faults.ForceConflicts(2);

        // Act
        var attempts = await _harness.ReconcileUntilDoneAsync("qwen");

        // Assert
        attempts.Should().BeGreaterThan(1);
        _harness.Deployment("qwen").Should().NotBeNull();
        _harness.Get("qwen")!.Status.ObservedGeneration.Should().Be(1);
    }

    [Test]
    public async Task Reconcile_AfterRestart_NoDuplicatesAndNoWrites()
    {
        // Arrange
        await _harness.CreateAsync(Valid());
        await _harness.ReconcileUntilDoneAsync("qwen");
        _harness.Restart();
        _harness.Server.Requests.Reset();

        // Act
        await _harness.ReconcileUntilDoneAsync("qwen");

        // Assert
        _harness.Server.Requests.Writes.Should().Be(0);
        _harness.Server.List<V1Deployment>("apps", "deployments", ReconcilerHarness.Namespace).Should().ContainSingle();
        _harness.Server.List<V1Service>("", "services", ReconcilerHarness.Namespace).Should().ContainSingle();
    }

    [Test]
    public async Task Reconcile_SteadyState_ZeroWrites()
    {
        // Arrange
        var resource = Valid();
        resource.Spec.Model.Source.SecretRef = new SecretKeyReference { Name = "hf" };
        await _harness.Client.CoreV1.CreateNamespacedSecretAsync(
            new V1Secret { Metadata = new V1ObjectMeta { Name = "hf" }, StringData = new Dictionary<string, string> { ["token"] = "x" } }, ReconcilerHarness.Namespace);
        await _harness.CreateAsync(resource);
        await _harness.ReconcileUntilDoneAsync("qwen");
        await _harness.ReconcileUntilDoneAsync("qwen");
        _harness.Server.Requests.Reset();

        // Act
        await _harness.ReconcileUntilDoneAsync("qwen");

        // Assert
        _harness.Server.Requests.Writes.Should().Be(0);
        _harness.Server.Requests.Count(ApiVerb.Create, "events").Should().Be(0);
    }

    [TestCase("missing-secret", ConditionReasons.SecretNotFound, "spec.model.source.secretRef.name")]
    [TestCase("unknown-accelerator", ConditionReasons.UnknownAccelerator, "spec.accelerator.type")]
    [TestCase("min-gt-max", ConditionReasons.InvalidSpec, "spec.maxReplicas")]
    [TestCase("does-not-fit", ConditionReasons.ModelDoesNotFit, "spec.model.quantization")]
    public async Task Reconcile_BadInput_ConditionFalseWarningAndWorkersUnchanged(string scenario, string reason, string field)
    {
        // Arrange: a healthy fleet first, then the bad change.
        await _harness.CreateAsync(Valid());
        await _harness.ReconcileUntilDoneAsync("qwen");
        var before = _harness.Deployment("qwen")!;
        var resource = _harness.Get("qwen")!;
        Break(resource, scenario);
        await _harness.ReplaceAsync(resource);

        // Act
        await _harness.ReconcileUntilDoneAsync("qwen");

        // Assert
        var after = _harness.Deployment("qwen")!;
        after.Metadata.ResourceVersion.Should().Be(before.Metadata.ResourceVersion, "running workers are not touched");
        var status = _harness.Get("qwen")!.Status;
        status.Conditions.Should().Contain(c => c.Type == ConditionTypes.Progressing && c.Status == "False" && c.Message.Contains(field));
        status.Conditions.Should().Contain(c => c.Type == ConditionTypes.Degraded && c.Status == "True" && c.Reason == reason);
        _harness.Events("qwen").Should().Contain(e => e.Type == "Warning" && e.Reason == reason && e.Message.Contains(field));
    }

    private static bool IsWrite(string verbAndResource) =>
        verbAndResource.Split(' ')[0] is "create" or "update" or "patch" or "delete" or "deletecollection";

    private Task SetFinalizersAsync(string finalizersJson) =>
        _harness.Client.CustomObjects.PatchNamespacedCustomObjectAsync(
            new V1Patch($$$"""{"metadata":{"finalizers":{{{finalizersJson}}}}}""", V1Patch.PatchType.MergePatch),
            SlmDeploymentResource.Group, SlmDeploymentResource.Version, ReconcilerHarness.Namespace, SlmDeploymentResource.Plural, "qwen");

    private static void Break(V1Alpha1SlmDeployment resource, string scenario)
    {
        switch (scenario)
        {
            case "missing-secret":
                resource.Spec.Model.Source.SecretRef = new SecretKeyReference { Name = "nope" };
                break;
            case "unknown-accelerator":
                resource.Spec.Accelerator.Type = "nvidia-h100";
                break;
            case "min-gt-max":
                resource.Spec.MinReplicas = 5;
                resource.Spec.MaxReplicas = 2;
                break;
            case "does-not-fit":
                resource.Spec.Model.ParametersBillions = 14;
                resource.Spec.Model.Quantization = "fp16";
                resource.Spec.Model.ContextLength = 32768;
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(scenario), scenario, null);
        }
    }
}
