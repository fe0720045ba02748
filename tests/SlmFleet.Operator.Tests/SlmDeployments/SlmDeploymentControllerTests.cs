using FluentAssertions;
using k8s;
using k8s.Models;
using NUnit.Framework;
using SlmFleet.Api.V1Alpha1;
using SlmFleet.Operator.Runtime;
using SlmFleet.Operator.SlmDeployments;
using SlmFleet.Testing.Kubernetes;
using SlmFleet.Testing;
using static SlmFleet.Operator.Tests.SlmDeployments.SlmDeploymentFixtures;

namespace SlmFleet.Operator.Tests.SlmDeployments;

/// <summary>The SlmDeployment controller end to end: informers, queue and reconciler against the API test server.</summary>
[TestFixture]
public sealed class SlmDeploymentControllerTests
{
    private KubeApiTestServer _server = null!;

    [SetUp]
    public async Task SetUp()
    {
        _server = await KubeApiTestServer.StartAsync();
        _server.RegisterResource(ReconcilerHarness.SlmDeploymentType);
    }

    [TearDown]
    public async Task TearDown() => await _server.DisposeAsync();

    [Test]
    public async Task Run_ManyCreated_AllConvergeWithoutDuplicates()
    {
        // Arrange
        await using var controller = await ControllerHarness.StartAsync(_server);

        // Act
        for (var i = 0; i < 5; i++)
        {
            await CreateAsync(controller.Client, $"m{i}");
        }

        // Assert
        await Poll.UntilAsync(() => AllConverged(5), "all five SlmDeployments converge");
        _server.List<V1Deployment>("apps", "deployments", ReconcilerHarness.Namespace).Should().HaveCount(5);
        _server.List<V1Service>("", "services", ReconcilerHarness.Namespace).Should().HaveCount(5);
        _server.List<V1PodDisruptionBudget>("policy", "poddisruptionbudgets", ReconcilerHarness.Namespace).Should().HaveCount(5);
        _server.List<V1Alpha1SlmDeployment>(SlmDeploymentResource.Group, SlmDeploymentResource.Plural, ReconcilerHarness.Namespace)
            .Should().OnlyContain(r => r.Metadata.Finalizers == null || r.Metadata.Finalizers.Count == 0);
    }

    [Test]
    public async Task Run_DeletedWhileOperatorStopped_CompletesAndOwnedObjectsAreCollected()
    {
        // Arrange: a converged fleet, then the operator goes away (crashed, scaled to zero or uninstalled).
        var first = await ControllerHarness.StartAsync(_server);
        await CreateAsync(first.Client, "gone");
        await CreateAsync(first.Client, "kept");
        await Poll.UntilAsync(() => AllConverged(2), "both converge");
        await first.DisposeAsync();

        // Act
        await DeleteAsync("gone");

        // Assert: nothing waits for the operator.
        Get("gone").Should().BeNull("no finalizer leaves it Terminating");
        OwnedNames<V1Deployment>("apps", "deployments").Should().Equal("kept-worker");
        OwnedNames<V1Service>("", "services").Should().Equal("kept-worker");
        OwnedNames<V1PodDisruptionBudget>("policy", "poddisruptionbudgets").Should().Equal("kept-worker");

        // And an operator started afterwards has nothing to do for it.
        _server.Requests.Reset();
        await using var second = await ControllerHarness.StartAsync(_server);
        await Poll.UntilAsync(() => second.Reconciles >= 1, "the new operator reconciles the remaining object");
        _server.Requests.Writes.Should().Be(0);
        Get("gone").Should().BeNull();
        OwnedNames<V1Deployment>("apps", "deployments").Should().Equal("kept-worker");
    }

    [Test]
    public async Task Run_DeletedAndCreatedAgainUnderSameName_NewObjectOwnsFreshWorkers()
    {
        // Arrange
        await using var controller = await ControllerHarness.StartAsync(_server);
        await CreateAsync(controller.Client, "again");
        await Poll.UntilAsync(() => AllConverged(1), "the first object converges");

        // Act: nothing holds the deletion, so the name is free at once.
        await DeleteAsync("again");
        await CreateAsync(controller.Client, "again");

        // Assert
        var uid = Get("again")!.Metadata.Uid;
        await Poll.UntilAsync(
            () => AllConverged(1) && _server.List<V1Deployment>("apps", "deployments", ReconcilerHarness.Namespace) is [var deployment] && deployment.Metadata.OwnerReferences.Single().Uid == uid,
            "the new object converges with a worker Deployment it owns");
        _server.List<V1Service>("", "services", ReconcilerHarness.Namespace).Should().ContainSingle().Which.Metadata.OwnerReferences.Should().ContainSingle(r => r.Uid == uid);
        _server.List<V1PodDisruptionBudget>("policy", "poddisruptionbudgets", ReconcilerHarness.Namespace).Should().ContainSingle().Which.Metadata.OwnerReferences.Should().ContainSingle(r => r.Uid == uid);
    }

    [Test]
    public async Task Run_LegacyObjectDeletedWhileOperatorStopped_ReleasedWhenOperatorStarts()
    {
        // Arrange: an object an older operator version finalized, deleted while no operator runs.
        var first = await ControllerHarness.StartAsync(_server);
        await CreateAsync(first.Client, "old");
        await Poll.UntilAsync(() => AllConverged(1), "converges");
        await first.DisposeAsync();
        using var client = _server.CreateClient();
        await client.CustomObjects.PatchNamespacedCustomObjectAsync(
            new V1Patch($$$"""{"metadata":{"finalizers":["{{{SlmDeploymentResource.LegacyFinalizer}}}"]}}""", V1Patch.PatchType.MergePatch),
            SlmDeploymentResource.Group, SlmDeploymentResource.Version, ReconcilerHarness.Namespace, SlmDeploymentResource.Plural, "old");
        await DeleteAsync("old");
        Get("old")!.Metadata.DeletionTimestamp.Should().NotBeNull("the legacy finalizer holds it until an operator removes it");

        // Act
        await using var second = await ControllerHarness.StartAsync(_server);

        // Assert
        await Poll.UntilAsync(() => Get("old") is null, "the operator removes the legacy finalizer and the object goes");
        OwnedNames<V1Deployment>("apps", "deployments").Should().BeEmpty("the garbage collector deletes the workers");
        OwnedNames<V1Service>("", "services").Should().BeEmpty();
        OwnedNames<V1PodDisruptionBudget>("policy", "poddisruptionbudgets").Should().BeEmpty();
    }

    [Test]
    public async Task Run_CutWatchesAndConflicts_StillConverges()
    {
        // Arrange
        _server.Faults.CutWatchesAfterEvents = 2;
        _server.Faults.ForceConflicts(3);
        await using var controller = await ControllerHarness.StartAsync(_server);

        // Act
        for (var i = 0; i < 4; i++)
        {
            await CreateAsync(controller.Client, $"f{i}");
        }

        // Assert
        await Poll.UntilAsync(() => AllConverged(4), "all SlmDeployments converge despite cut watches and 409s", TimeSpan.FromSeconds(60));
        _server.List<V1Deployment>("apps", "deployments", ReconcilerHarness.Namespace).Should().HaveCount(4);
    }

    [Test]
    public async Task Run_DeploymentStatusChanges_OwnerStatusFollows()
    {
        // Arrange
        await using var controller = await ControllerHarness.StartAsync(_server);
        await CreateAsync(controller.Client, "w");
        await Poll.UntilAsync(() => AllConverged(1), "the SlmDeployment converges");
        var deployment = _server.Get<V1Deployment>("apps", "deployments", ReconcilerHarness.Namespace, "w-worker")!;

        // Act: the Deployment controller would report one replica up and warm.
        deployment.Status = new V1DeploymentStatus { ObservedGeneration = deployment.Metadata.Generation, Replicas = 1, UpdatedReplicas = 1, ReadyReplicas = 1, AvailableReplicas = 1 };
        await controller.Client.AppsV1.ReplaceNamespacedDeploymentStatusAsync(deployment, deployment.Metadata.Name, ReconcilerHarness.Namespace);

        // Assert
        await Poll.UntilAsync(() => Get("w")?.Status?.ReadyReplicas == 1, "status.readyReplicas follows the owned Deployment");
        Get("w")!.Status.Conditions.Should().Contain(c => c.Type == ConditionTypes.Ready && c.Status == "True");
    }

    [Test]
    public async Task Run_FullResyncAtSteadyState_ZeroWrites()
    {
        // Arrange
        var informers = new InformerOptions { ResyncPeriod = TimeSpan.FromMilliseconds(500), InitialBackoff = TimeSpan.FromMilliseconds(20) };
        await using var controller = await ControllerHarness.StartAsync(_server, informers);
        for (var i = 0; i < 3; i++)
        {
            await CreateAsync(controller.Client, $"s{i}");
        }

        await Poll.UntilAsync(() => AllConverged(3), "all converge");
        await Task.Delay(TimeSpan.FromSeconds(1)); // let trailing watch events drain before counting
        _server.Requests.Reset();
        var before = controller.Reconciles;

        // Act: wait for at least two full resyncs of every object.
        await Poll.UntilAsync(() => controller.Reconciles - before >= 6, "resyncs reconcile every object again", TimeSpan.FromSeconds(60));

        // Assert
        _server.Requests.Writes.Should().Be(0);
    }

    [Test]
    public async Task Run_Restarted_NoDuplicatesNoWrites()
    {
        // Arrange
        var first = await ControllerHarness.StartAsync(_server);
        await CreateAsync(first.Client, "r");
        await Poll.UntilAsync(() => AllConverged(1), "converges under the first operator");
        await first.DisposeAsync();
        _server.Requests.Reset();

        // Act
        await using var second = await ControllerHarness.StartAsync(_server);
        await Poll.UntilAsync(() => second.Reconciles >= 1, "the new operator reconciles the existing object");

        // Assert
        _server.Requests.Writes.Should().Be(0);
        _server.List<V1Deployment>("apps", "deployments", ReconcilerHarness.Namespace).Should().ContainSingle();
    }

    private static async Task CreateAsync(Kubernetes client, string name)
    {
        var resource = Valid();
        resource.Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ReconcilerHarness.Namespace };
        await client.CustomObjects.CreateNamespacedCustomObjectAsync<V1Alpha1SlmDeployment>(
            resource, SlmDeploymentResource.Group, SlmDeploymentResource.Version, ReconcilerHarness.Namespace, SlmDeploymentResource.Plural);
    }

    private async Task DeleteAsync(string name)
    {
        using var client = _server.CreateClient();
        await client.CustomObjects.DeleteNamespacedCustomObjectAsync(
            SlmDeploymentResource.Group, SlmDeploymentResource.Version, ReconcilerHarness.Namespace, SlmDeploymentResource.Plural, name);
    }

    private List<string> OwnedNames<T>(string group, string plural)
        where T : IKubernetesObject<V1ObjectMeta> =>
        [.. _server.List<T>(group, plural, ReconcilerHarness.Namespace).Select(o => o.Metadata.Name).Order(StringComparer.Ordinal)];

    private V1Alpha1SlmDeployment? Get(string name) =>
        _server.Get<V1Alpha1SlmDeployment>(SlmDeploymentResource.Group, SlmDeploymentResource.Plural, ReconcilerHarness.Namespace, name);

    private bool AllConverged(int expected)
    {
        var all = _server.List<V1Alpha1SlmDeployment>(SlmDeploymentResource.Group, SlmDeploymentResource.Plural, ReconcilerHarness.Namespace);
        return all.Count == expected && all.All(ControllerHarness.Converged)
            && _server.List<V1Deployment>("apps", "deployments", ReconcilerHarness.Namespace).Count == expected;
    }
}
