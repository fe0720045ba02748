using System.Text.Json;
using FluentAssertions;
using k8s;
using k8s.Models;
using NUnit.Framework;
using SlmFleet.Testing.Kubernetes;

namespace SlmFleet.Operator.Tests.Testing;

[TestFixture]
public sealed class KubeApiTestServerSubresourceTests
{
    private const string Group = TestWidget.GroupName;
    private const string Version = TestWidget.VersionName;
    private const string Plural = TestWidget.PluralName;

    private KubeApiTestServer _server = null!;
    private Kubernetes _client = null!;

    [SetUp]
    public async Task SetUp()
    {
        _server = await KubeApiTestServer.StartAsync();
        _server.RegisterResource(TestWidget.ResourceType);
        _client = _server.CreateClient();
    }

    [TearDown]
    public async Task TearDown()
    {
        _client.Dispose();
        await _server.DisposeAsync();
    }

    [Test]
    public async Task Replace_SpecChange_BumpsGeneration_MetadataChangeDoesNot()
    {
        var widget = await CreateWidget("w");

        widget.Metadata.Labels = new Dictionary<string, string> { ["x"] = "y" };
        var relabelled = await Replace(widget);
        relabelled.Spec.Color = "red";
        var recoloured = await Replace(relabelled);

        relabelled.Metadata.Generation.Should().Be(1);
        recoloured.Metadata.Generation.Should().Be(2);
    }

    [Test]
    public async Task Create_WithStatus_DropsStatus()
    {
        var widget = TestWidget.Create("default", "w");
        widget.Status = new TestWidgetStatus { Replicas = 9 };

        var created = await Deserialize(await _client.CustomObjects.CreateNamespacedCustomObjectAsync(widget, Group, Version, "default", Plural));

        created.Status.Should().BeNull();
    }

    [Test]
    public async Task ReplaceMain_StatusChange_IsIgnored()
    {
        var widget = await CreateWidget("w");
        widget.Status = new TestWidgetStatus { Replicas = 5 };

        var replaced = await Replace(widget);

        replaced.Status.Should().BeNull();
        replaced.Metadata.Generation.Should().Be(1);
    }

    [Test]
    public async Task ReplaceStatus_ChangesOnlyStatus_WithoutGenerationBump()
    {
        var widget = await CreateWidget("w");
        widget.Status = new TestWidgetStatus { Replicas = 3, ObservedGeneration = 1 };
        widget.Spec.Color = "ignored";

        var updated = await Deserialize(await _client.CustomObjects.ReplaceNamespacedCustomObjectStatusAsync(widget, Group, Version, "default", Plural, "w"));

        updated.Status!.Replicas.Should().Be(3);
        updated.Spec.Color.Should().Be("blue");
        updated.Metadata.Generation.Should().Be(1);
    }

    [Test]
    public async Task PatchStatus_MergePatch_ChangesStatus()
    {
        await CreateWidget("w");

        var patched = await Deserialize(await _client.CustomObjects.PatchNamespacedCustomObjectStatusAsync(
            new V1Patch("""{"status":{"replicas":4},"spec":{"color":"ignored"}}""", V1Patch.PatchType.MergePatch), Group, Version, "default", Plural, "w"));

        patched.Status!.Replicas.Should().Be(4);
        patched.Spec.Color.Should().Be("blue");
    }

    [Test]
    public async Task Scale_CustomResource_MapsSpecAndStatusReplicas()
    {
        await CreateWidget("w", replicas: 2);
        await _client.CustomObjects.PatchNamespacedCustomObjectStatusAsync(
            new V1Patch("""{"status":{"replicas":1,"selector":"app=w"}}""", V1Patch.PatchType.MergePatch), Group, Version, "default", Plural, "w");

        var scale = KubernetesJson.Deserialize<V1Scale>(JsonSerializer.Serialize(
            await _client.CustomObjects.GetNamespacedCustomObjectScaleAsync(Group, Version, "default", Plural, "w")));
        scale.Spec.Replicas = 5;
        await _client.CustomObjects.ReplaceNamespacedCustomObjectScaleAsync(scale, Group, Version, "default", Plural, "w");
        var widget = await Deserialize(await _client.CustomObjects.GetNamespacedCustomObjectAsync(Group, Version, "default", Plural, "w"));

        scale.Status.Replicas.Should().Be(1);
        scale.Status.Selector.Should().Be("app=w");
        widget.Spec.Replicas.Should().Be(5);
        widget.Metadata.Generation.Should().Be(2);
    }

    [Test]
    public async Task Scale_Deployment_ReadsSelectorAndPatchesReplicas()
    {
        await _client.AppsV1.CreateNamespacedDeploymentAsync(Deployment("d", 1), "default");

        await _client.AppsV1.PatchNamespacedDeploymentScaleAsync(new V1Patch("""{"spec":{"replicas":3}}""", V1Patch.PatchType.MergePatch), "d", "default");
        var scale = await _client.AppsV1.ReadNamespacedDeploymentScaleAsync("d", "default");
        var deployment = await _client.AppsV1.ReadNamespacedDeploymentAsync("d", "default");

        scale.Spec.Replicas.Should().Be(3);
        scale.Status.Selector.Should().Be("app=d");
        deployment.Spec.Replicas.Should().Be(3);
    }

    [Test]
    public async Task DeploymentStatus_ReplaceStatus_KeepsSpec()
    {
        var created = await _client.AppsV1.CreateNamespacedDeploymentAsync(Deployment("d", 2), "default");
        created.Status = new V1DeploymentStatus { ReadyReplicas = 2, Replicas = 2 };

        var updated = await _client.AppsV1.ReplaceNamespacedDeploymentStatusAsync(created, "d", "default");

        updated.Status.ReadyReplicas.Should().Be(2);
        updated.Metadata.Generation.Should().Be(1);
    }

    [Test]
    public async Task Delete_CustomResourceWithFinalizer_BumpsGenerationAndSetsDeletionTimestamp()
    {
        var widget = TestWidget.Create("default", "w");
        widget.Metadata.Finalizers = ["test.slmfleet.io/cleanup"];
        await _client.CustomObjects.CreateNamespacedCustomObjectAsync(widget, Group, Version, "default", Plural);

        await _client.CustomObjects.DeleteNamespacedCustomObjectAsync(Group, Version, "default", Plural, "w");
        var terminating = await Deserialize(await _client.CustomObjects.GetNamespacedCustomObjectAsync(Group, Version, "default", Plural, "w"));

        terminating.Metadata.DeletionTimestamp.Should().NotBeNull();
        terminating.Metadata.Generation.Should().Be(2);
    }

    private async Task<TestWidget> CreateWidget(string name, int replicas = 1) =>
        await Deserialize(await _client.CustomObjects.CreateNamespacedCustomObjectAsync(TestWidget.Create("default", name, replicas), Group, Version, "default", Plural));

    private async Task<TestWidget> Replace(TestWidget widget) =>
        await Deserialize(await _client.CustomObjects.ReplaceNamespacedCustomObjectAsync(widget, Group, Version, "default", Plural, widget.Metadata.Name));

    private static Task<TestWidget> Deserialize(object body) =>
        Task.FromResult(KubernetesJson.Deserialize<TestWidget>(JsonSerializer.Serialize(body)));

    private static V1Deployment Deployment(string name, int replicas) => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new V1DeploymentSpec
        {
            Replicas = replicas,
            Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = name } },
            Template = new V1PodTemplateSpec
            {
                Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = name } },
                Spec = new V1PodSpec { Containers = [new V1Container { Name = "c", Image = "busybox" }] },
            },
        },
    };
}
