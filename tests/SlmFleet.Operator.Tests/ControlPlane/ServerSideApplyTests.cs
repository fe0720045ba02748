using System.Text.Json.Nodes;
using FluentAssertions;
using k8s;
using k8s.Models;
using NUnit.Framework;
using SlmFleet.Api.V1Alpha1;
using SlmFleet.Operator.SlmDeployments;
using SlmFleet.Testing;
using SlmFleet.Testing.ControlPlane;
using static SlmFleet.Operator.Tests.SlmDeployments.SlmDeploymentFixtures;

namespace SlmFleet.Operator.Tests.ControlPlane;

/// <summary>
/// The SlmDeployment controller against a real kube-apiserver (v1.32, ../shared/k8s): what depends on
/// API semantics — server-side apply and managedFields, owner references, the scale and status
/// subresources, quota refusals — which the in-process API test server does not model.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class ServerSideApplyTests
{
    /// <summary>How long "nothing happens" is watched: several queue back-off rounds, a fraction of a resync.</summary>
    private static readonly TimeSpan Quiet = TimeSpan.FromSeconds(3);

    private KubeControlPlane _plane = null!;
    private Kubernetes _admin = null!;
    private string _ns = null!;

    [SetUp]
    public async Task SetUp()
    {
        _plane = await RealOperator.ControlPlaneAsync();
        _admin = _plane.CreateClient();
        _ns = await _plane.CreateNamespaceAsync("ssa");
    }

    [TearDown]
    public void TearDown() => _admin?.Dispose();

    [Test]
    public async Task Created_OwnedObjectsAppliedByTheOperatorsFieldManager_SteadyStateZeroWrites()
    {
        // Arrange
        await using var op = await RealOperator.StartAsync(_plane, _ns);

        // Act
        await CreateAsync("alpha");
        var deployment = await UntilDeploymentAsync("alpha", d => true);
        await UntilStatusAsync("alpha", s => s.ObservedGeneration == 1);
        await Task.Delay(TimeSpan.FromSeconds(1));
        op.Requests.Clear();
        await Task.Delay(Quiet);

        // Assert
        deployment.Metadata.ManagedFields.Should().Contain(e => e.Manager == ServerSideApplyWriter.FieldManager && e.Operation == "Apply");
        (await _admin.CoreV1.ReadNamespacedServiceAsync("alpha-worker", _ns)).Metadata.ManagedFields.Should().Contain(e => e.Manager == ServerSideApplyWriter.FieldManager);
        (await _admin.PolicyV1.ReadNamespacedPodDisruptionBudgetAsync("alpha-worker", _ns)).Metadata.OwnerReferences.Should().ContainSingle(r => r.Controller == true);
        op.Requests.Writes.Should().BeEmpty("nothing changed, so nothing is written");
    }

    [Test]
    public async Task HandEditOfWorkerResources_Reverted()
    {
        // Arrange
        await using var op = await RealOperator.StartAsync(_plane, _ns);
        await CreateAsync("drift");
        var original = (await UntilDeploymentAsync("drift", d => true)).Spec.Template.Spec.Containers[0].Resources.Requests["cpu"].ToString();

        // Act: what `kubectl edit` sends.
        var patch = """{"spec":{"template":{"spec":{"containers":[{"name":"worker","resources":{"requests":{"cpu":"7"}}}]}}}}""";
        await _admin.AppsV1.PatchNamespacedDeploymentAsync(new V1Patch(patch, V1Patch.PatchType.StrategicMergePatch), "drift-worker", _ns, fieldManager: "kubectl-edit");

        // Assert
        await UntilDeploymentAsync("drift", d => d.Spec.Template.Spec.Containers[0].Resources.Requests["cpu"].ToString() == original);
        await Poll.UntilAsync(async () => (await EventsAsync("drift")).Any(e => e.Reason == ConditionReasons.DriftReverted), "a DriftReverted Event");
    }

    [Test]
    public async Task ManagedByLabelStripped_RestoredAndLaterSpecChangesStillReachTheDeployment()
    {
        // Arrange
        await using var op = await RealOperator.StartAsync(_plane, _ns);
        await CreateAsync("label");
        await UntilDeploymentAsync("label", d => true);

        // Act: kubectl label deploy label-worker app.kubernetes.io/managed-by-
        var remove = """[{"op":"remove","path":"/metadata/labels/app.kubernetes.io~1managed-by"}]""";
        await _admin.AppsV1.PatchNamespacedDeploymentAsync(new V1Patch(remove, V1Patch.PatchType.JsonPatch), "label-worker", _ns, fieldManager: "kubectl-label");
        await UntilDeploymentAsync("label", d => d.Metadata.Labels.ContainsKey("app.kubernetes.io/managed-by"));
        await ScaleSlmDeploymentAsync("label", 3);

        // Assert
        var scaled = await UntilDeploymentAsync("label", d => d.Spec.Replicas == 3);
        scaled.Metadata.Labels["app.kubernetes.io/managed-by"].Should().Be(WorkerLabels.ManagedBy);
    }

    [Test]
    public async Task KubectlScaleOnWorkerDeployment_HonouredUntilTheSlmDeploymentAsksForAnotherCount()
    {
        // Arrange
        await using var op = await RealOperator.StartAsync(_plane, _ns);
        await CreateAsync("scale");
        await UntilDeploymentAsync("scale", d => d.Spec.Replicas == 1);
        await UntilStatusAsync("scale", s => s.ObservedGeneration == 1);

        // Act: kubectl scale deploy scale-worker --replicas=3
        await _admin.AppsV1.PatchNamespacedDeploymentScaleAsync(new V1Patch("""{"spec":{"replicas":3}}""", V1Patch.PatchType.MergePatch), "scale-worker", _ns, fieldManager: "kubectl");
        await Poll.UntilAsync(async () => (await EventsAsync("scale")).Any(e => e.Reason == ConditionReasons.ReplicasOverridden), "a ReplicasOverridden Event");
        await Task.Delay(Quiet);
        var honoured = await _admin.AppsV1.ReadNamespacedDeploymentAsync("scale-worker", _ns);
        var status = await UntilStatusAsync("scale", s => s.DesiredReplicas == 3);
        await ScaleSlmDeploymentAsync("scale", 2);

        // Assert
        honoured.Spec.Replicas.Should().Be(3, "a hand scale is not undone while the SlmDeployment's own count is unchanged");
        status.DesiredReplicas.Should().Be(3);
        (await EventsAsync("scale")).Where(e => e.Reason == ConditionReasons.ReplicasOverridden).Should().ContainSingle()
            .Which.Message.Should().Contain("scaled to 3").And.Contain("kubectl");
        await UntilDeploymentAsync("scale", d => d.Spec.Replicas == 2);
    }

    [Test]
    public async Task NameTakenByUnrelatedDeployment_NameConflictNoServiceNoLoop()
    {
        // Arrange
        await _admin.AppsV1.CreateNamespacedDeploymentAsync(Foreign("beta-worker"), _ns);
        await using var op = await RealOperator.StartAsync(_plane, _ns);

        // Act
        await CreateAsync("beta");
        var status = await UntilStatusAsync("beta", s => s.Conditions?.Any(c => c.Type == ConditionTypes.Ready) == true);
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        op.Requests.Clear();
        await Task.Delay(Quiet);

        // Assert
        var ready = status.Conditions!.Single(c => c.Type == ConditionTypes.Ready);
        ready.Status.Should().Be("False");
        ready.Reason.Should().Be(ConditionReasons.NameConflict);
        ready.Message.Should().Contain($"Deployment {_ns}/beta-worker");
        (await EventsAsync("beta")).Should().ContainSingle(e => e.Reason == ConditionReasons.NameConflict && e.Type == "Warning")
            .Which.Message.Should().Contain("beta-worker");
        (await _admin.CoreV1.ListNamespacedServiceAsync(_ns)).Items.Should().BeEmpty();
        (await _admin.PolicyV1.ListNamespacedPodDisruptionBudgetAsync(_ns)).Items.Should().BeEmpty();
        (await _admin.AppsV1.ReadNamespacedDeploymentAsync("beta-worker", _ns)).Metadata.OwnerReferences.Should().BeNullOrEmpty("the foreign object is left alone");
        op.Requests.Requests.Where(r => !r.Query.Contains("watch=true", StringComparison.Ordinal)).Should().BeEmpty("a blocked key is retried from the caches, without requests");
    }

    [Test]
    public async Task NameConflictResolved_WorkersCreated()
    {
        // Arrange
        await _admin.AppsV1.CreateNamespacedDeploymentAsync(Foreign("gamma-worker"), _ns);
        await using var op = await RealOperator.StartAsync(_plane, _ns);
        await CreateAsync("gamma");
        await UntilStatusAsync("gamma", s => s.Conditions?.Any(c => c.Reason == ConditionReasons.NameConflict) == true);

        // Act
        await _admin.AppsV1.DeleteNamespacedDeploymentAsync("gamma-worker", _ns);

        // Assert
        await UntilDeploymentAsync("gamma", d => d.Metadata.OwnerReferences?.Any(r => r.Controller == true) == true);
        await UntilStatusAsync("gamma", s => s.Conditions!.Single(c => c.Type == ConditionTypes.Ready).Reason != ConditionReasons.NameConflict);
    }

    [Test]
    public async Task OperatorRestarted_NoWrites()
    {
        // Arrange
        await using (var first = await RealOperator.StartAsync(_plane, _ns))
        {
            await CreateAsync("one");
            await CreateAsync("two");
            await UntilStatusAsync("one", s => s.ObservedGeneration == 1);
            await UntilStatusAsync("two", s => s.ObservedGeneration == 1);
            await Task.Delay(TimeSpan.FromSeconds(1));
        }

        // Act
        await using var second = await RealOperator.StartAsync(_plane, _ns);
        await Task.Delay(Quiet);

        // Assert
        second.Requests.Writes.Should().BeEmpty("a restarted operator finds everything in place");
    }

    [Test]
    public async Task ServiceRefusedByQuota_ReadyFalseOneWarningOthersKeptRetriedSlowly()
    {
        // Arrange
        await _admin.CoreV1.CreateNamespacedResourceQuotaAsync(new V1ResourceQuota
        {
            Metadata = new V1ObjectMeta { Name = "no-services" },
            Spec = new V1ResourceQuotaSpec { Hard = new Dictionary<string, ResourceQuantity> { ["services"] = new("0") } },
        }, _ns);
        // No controller-manager computes quota usage here: write what it would, so admission enforces the quota.
        await _admin.CoreV1.PatchNamespacedResourceQuotaStatusAsync(
            new V1Patch("""{"status":{"hard":{"services":"0"},"used":{"services":"0"}}}""", V1Patch.PatchType.MergePatch), "no-services", _ns);
        await using var op = await RealOperator.StartAsync(_plane, _ns);

        // Act
        await CreateAsync("quota");
        var status = await UntilStatusAsync("quota", s => s.Conditions?.Any(c => c.Reason == "ServiceApplyFailed") == true);
        op.Requests.Clear();
        await Task.Delay(Quiet);

        // Assert
        var ready = status.Conditions!.Single(c => c.Type == ConditionTypes.Ready);
        ready.Status.Should().Be("False");
        ready.Message.Should().Contain($"Service {_ns}/quota-worker").And.Contain("exceeded quota");
        (await EventsAsync("quota")).Should().ContainSingle(e => e.Reason == "ServiceApplyFailed" && e.Type == "Warning");
        (await _admin.AppsV1.ReadNamespacedDeploymentAsync("quota-worker", _ns)).Should().NotBeNull("objects already written are kept");
        (await _admin.PolicyV1.ReadNamespacedPodDisruptionBudgetAsync("quota-worker", _ns)).Should().NotBeNull();
        op.Requests.Writes.Count(r => r.Path.Contains("/services", StringComparison.Ordinal)).Should().BeLessThanOrEqualTo(1, "a refused write is retried after 5 s, then less and less often");
    }

    private async Task CreateAsync(string name)
    {
        var resource = Valid();
        resource.Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = _ns };
        await _admin.CustomObjects.CreateNamespacedCustomObjectAsync<V1Alpha1SlmDeployment>(resource, SlmDeploymentResource.Group, SlmDeploymentResource.Version, _ns, SlmDeploymentResource.Plural);
    }

    private Task ScaleSlmDeploymentAsync(string name, int replicas) =>
        _admin.CustomObjects.PatchNamespacedCustomObjectScaleAsync(
            new V1Patch(new JsonObject { ["spec"] = new JsonObject { ["replicas"] = replicas } }.ToJsonString(), V1Patch.PatchType.MergePatch),
            SlmDeploymentResource.Group, SlmDeploymentResource.Version, _ns, SlmDeploymentResource.Plural, name, fieldManager: "kubectl");

    private async Task<V1Deployment> UntilDeploymentAsync(string name, Func<V1Deployment, bool> condition)
    {
        V1Deployment? found = null;
        await Poll.UntilAsync(
            async () =>
            {
                found = (await _admin.AppsV1.ListNamespacedDeploymentAsync(_ns, fieldSelector: "metadata.name=" + name + "-worker")).Items.SingleOrDefault();
                return found is not null && condition(found);
            },
            $"worker Deployment of {name}");
        return found!;
    }

    private async Task<SlmDeploymentStatus> UntilStatusAsync(string name, Func<SlmDeploymentStatus, bool> condition)
    {
        SlmDeploymentStatus? found = null;
        await Poll.UntilAsync(
            async () =>
            {
                found = (await _admin.CustomObjects.GetNamespacedCustomObjectAsync<V1Alpha1SlmDeployment>(SlmDeploymentResource.Group, SlmDeploymentResource.Version, _ns, SlmDeploymentResource.Plural, name)).Status;
                return found is not null && condition(found);
            },
            $"status of {name}");
        return found!;
    }

    private async Task<IReadOnlyList<Corev1Event>> EventsAsync(string name) =>
        [.. (await _admin.CoreV1.ListNamespacedEventAsync(_ns)).Items.Where(e => e.InvolvedObject.Name == name)];

    private V1Deployment Foreign(string name) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = _ns, Labels = new Dictionary<string, string> { ["app"] = "unrelated" } },
        Spec = new V1DeploymentSpec
        {
            Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "unrelated" } },
            Template = new V1PodTemplateSpec
            {
                Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = "unrelated" } },
                Spec = new V1PodSpec { Containers = [new V1Container { Name = "web", Image = "nginx" }] },
            },
        },
    };
}
