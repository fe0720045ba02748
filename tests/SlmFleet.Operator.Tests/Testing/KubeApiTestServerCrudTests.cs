using System.Net;
using FluentAssertions;
using k8s;
using k8s.Autorest;
using k8s.Models;
using NUnit.Framework;
using SlmFleet.Testing.Kubernetes;

namespace SlmFleet.Operator.Tests.Testing;

[TestFixture]
public sealed class KubeApiTestServerCrudTests
{
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
    public async Task Create_ConfigMap_AssignsServerMetadata()
    {
        var created = await _client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("a"), "default");

        created.Metadata.Uid.Should().NotBeNullOrEmpty();
        created.Metadata.ResourceVersion.Should().NotBeNullOrEmpty();
        created.Metadata.Generation.Should().Be(1);
        created.Metadata.CreationTimestamp.Should().NotBeNull();
        var read = await _client.CoreV1.ReadNamespacedConfigMapAsync("a", "default");
        read.Data["k"].Should().Be("v");
        read.Metadata.Uid.Should().Be(created.Metadata.Uid);
    }

    [Test]
    public async Task Create_Twice_Returns409AlreadyExists()
    {
        await _client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("a"), "default");

        var act = () => _client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("a"), "default");

        (await act.Should().ThrowAsync<HttpOperationException>()).Which.Response.StatusCode.Should().Be(HttpStatusCode.Conflict);
    }

    [Test]
    public async Task Create_WithGenerateName_GetsUniqueNames()
    {
        var template = new V1ConfigMap { Metadata = new V1ObjectMeta { GenerateName = "gen-" } };

        var first = await _client.CoreV1.CreateNamespacedConfigMapAsync(template, "default");
        var second = await _client.CoreV1.CreateNamespacedConfigMapAsync(template, "default");

        first.Metadata.Name.Should().StartWith("gen-").And.NotBe(second.Metadata.Name);
    }

    [Test]
    public async Task Create_InvalidName_Returns422NamingTheField()
    {
        var act = () => _client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("Not_Valid"), "default");

        var error = (await act.Should().ThrowAsync<HttpOperationException>()).Which;
        error.Response.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        error.Response.Content.Should().Contain("metadata.name");
    }

    [Test]
    public async Task Create_WithResourceVersion_Returns400()
    {
        var created = await _client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("a"), "default");
        created.Metadata.Name = "b";
        created.Metadata.Uid = null;

        var act = () => _client.CoreV1.CreateNamespacedConfigMapAsync(created, "default");

        (await act.Should().ThrowAsync<HttpOperationException>()).Which.Response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
    }

    [Test]
    public async Task Get_Missing_Returns404()
    {
        var act = () => _client.CoreV1.ReadNamespacedConfigMapAsync("missing", "default");

        (await act.Should().ThrowAsync<HttpOperationException>()).Which.Response.StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Test]
    public async Task Replace_StaleResourceVersion_Returns409Conflict()
    {
        var created = await _client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("a"), "default");
        created.Data["k"] = "v2";
        await _client.CoreV1.ReplaceNamespacedConfigMapAsync(created, "a", "default");
        created.Data["k"] = "v3";

        var act = () => _client.CoreV1.ReplaceNamespacedConfigMapAsync(created, "a", "default");

        (await act.Should().ThrowAsync<HttpOperationException>()).Which.Response.StatusCode.Should().Be(HttpStatusCode.Conflict);
    }

    [Test]
    public async Task Replace_ResourceVersions_IncreaseMonotonically()
    {
        var a = await _client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("a"), "default");
        var b = await _client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("b"), "default");
        a.Data["k"] = "changed";
        var a2 = await _client.CoreV1.ReplaceNamespacedConfigMapAsync(a, "a", "default");

        long.Parse(b.Metadata.ResourceVersion).Should().BeGreaterThan(long.Parse(a.Metadata.ResourceVersion));
        long.Parse(a2.Metadata.ResourceVersion).Should().BeGreaterThan(long.Parse(b.Metadata.ResourceVersion));
    }

    [Test]
    public async Task Replace_NoChange_KeepsResourceVersion()
    {
        var created = await _client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("a"), "default");

        var replaced = await _client.CoreV1.ReplaceNamespacedConfigMapAsync(created, "a", "default");

        replaced.Metadata.ResourceVersion.Should().Be(created.Metadata.ResourceVersion);
    }

    [Test]
    public async Task List_LabelSelectors_FilterEqualityAndSets()
    {
        await _client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("a", ("tier", "web")), "default");
        await _client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("b", ("tier", "db")), "default");
        await _client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("c"), "default");
        await _client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("d", ("tier", "web")), "other");

        (await Names("tier=web", "default")).Should().Equal("a");
        (await Names("tier!=web", "default")).Should().Equal("b", "c");
        (await Names("tier in (web,db)", "default")).Should().Equal("a", "b");
        (await Names("tier notin (web)", "default")).Should().Equal("b", "c");
        (await Names("tier", "default")).Should().Equal("a", "b");
        (await Names("!tier", "default")).Should().Equal("c");
        var all = await _client.CoreV1.ListConfigMapForAllNamespacesAsync(labelSelector: "tier=web");
        all.Items.Select(i => i.Metadata.NamespaceProperty).Should().BeEquivalentTo(["default", "other"]);
        long.Parse(all.Metadata.ResourceVersion).Should().Be(_server.ResourceVersion);
    }

    [Test]
    public async Task List_FieldSelectorOnName_ReturnsOnlyThatObject()
    {
        await _client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("a"), "default");
        await _client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("b"), "default");

        var list = await _client.CoreV1.ListNamespacedConfigMapAsync("default", fieldSelector: "metadata.name=b");

        list.Items.Select(i => i.Metadata.Name).Should().Equal("b");
    }

    [Test]
    public async Task Patch_MergeJsonAndStrategic_AllApply()
    {
        await _client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("a"), "default");

        await _client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("""{"data":{"m":"1","k":null}}""", V1Patch.PatchType.MergePatch), "a", "default");
        await _client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("""[{"op":"add","path":"/data/j","value":"2"}]""", V1Patch.PatchType.JsonPatch), "a", "default");
        var last = await _client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("""{"data":{"s":"3"}}""", V1Patch.PatchType.StrategicMergePatch), "a", "default");

        last.Data.Should().BeEquivalentTo(new Dictionary<string, string> { ["m"] = "1", ["j"] = "2", ["s"] = "3" });
    }

    [Test]
    public async Task Patch_WithStaleResourceVersion_Returns409()
    {
        var created = await _client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("a"), "default");
        await _client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("""{"data":{"k":"2"}}""", V1Patch.PatchType.MergePatch), "a", "default");
        var stale = $$$"""{"metadata":{"resourceVersion":"{{{created.Metadata.ResourceVersion}}}"},"data":{"k":"3"}}""";

        var act = () => _client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch(stale, V1Patch.PatchType.MergePatch), "a", "default");

        (await act.Should().ThrowAsync<HttpOperationException>()).Which.Response.StatusCode.Should().Be(HttpStatusCode.Conflict);
    }

    [Test]
    public async Task Patch_ApplyPatch_Returns415()
    {
        await _client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("a"), "default");

        var act = () => _client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("{}", V1Patch.PatchType.ApplyPatch), "a", "default", fieldManager: "test");

        (await act.Should().ThrowAsync<HttpOperationException>()).Which.Response.StatusCode.Should().Be(HttpStatusCode.UnsupportedMediaType);
    }

    [Test]
    public async Task Delete_WithFinalizer_KeepsObjectUntilFinalizerRemoved()
    {
        var map = ConfigMap("a");
        map.Metadata.Finalizers = ["test.slmfleet.io/cleanup"];
        await _client.CoreV1.CreateNamespacedConfigMapAsync(map, "default");

        await _client.CoreV1.DeleteNamespacedConfigMapAsync("a", "default");
        var terminating = await _client.CoreV1.ReadNamespacedConfigMapAsync("a", "default");
        terminating.Metadata.DeletionTimestamp.Should().NotBeNull();
        terminating.Metadata.Finalizers = [];
        await _client.CoreV1.ReplaceNamespacedConfigMapAsync(terminating, "a", "default");

        var act = () => _client.CoreV1.ReadNamespacedConfigMapAsync("a", "default");
        (await act.Should().ThrowAsync<HttpOperationException>()).Which.Response.StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Test]
    public async Task JsonPatch_RemovingLastFinalizerOfDeletedObject_RemovesIt()
    {
        var map = ConfigMap("a");
        map.Metadata.Finalizers = ["test.slmfleet.io/cleanup"];
        await _client.CoreV1.CreateNamespacedConfigMapAsync(map, "default");
        await _client.CoreV1.DeleteNamespacedConfigMapAsync("a", "default");

        await _client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("""[{"op":"remove","path":"/metadata/finalizers/0"}]""", V1Patch.PatchType.JsonPatch), "a", "default");

        (await Names(null, "default")).Should().BeEmpty();
    }

    [Test]
    public async Task JsonPatch_FailedTestOperation_Returns422AndChangesNothing()
    {
        await _client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("a"), "default");

        var act = () => _client.CoreV1.PatchNamespacedConfigMapAsync(
            new V1Patch("""[{"op":"test","path":"/data/k","value":"other"},{"op":"replace","path":"/data/k","value":"x"}]""", V1Patch.PatchType.JsonPatch), "a", "default");

        (await act.Should().ThrowAsync<HttpOperationException>()).Which.Response.StatusCode.Should().Be(HttpStatusCode.UnprocessableEntity);
        (await _client.CoreV1.ReadNamespacedConfigMapAsync("a", "default")).Data["k"].Should().Be("v");
    }

    [Test]
    public async Task Delete_Owner_CollectsDependentsTransitively()
    {
        var owner = await _client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("owner"), "default");
        var child = ConfigMap("child");
        child.Metadata.OwnerReferences = [Owner(owner)];
        var createdChild = await _client.CoreV1.CreateNamespacedConfigMapAsync(child, "default");
        var grandchild = ConfigMap("grandchild");
        grandchild.Metadata.OwnerReferences = [Owner(createdChild)];
        await _client.CoreV1.CreateNamespacedConfigMapAsync(grandchild, "default");
        await _client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("unrelated"), "default");

        await _client.CoreV1.DeleteNamespacedConfigMapAsync("owner", "default");

        (await Names(null, "default")).Should().Equal("unrelated");
    }

    [Test]
    public async Task Create_DependentOfDeletedOwner_IsAcceptedThenCollected()
    {
        var owner = await _client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("owner"), "default");
        await _client.CoreV1.DeleteNamespacedConfigMapAsync("owner", "default");
        var late = ConfigMap("late");
        late.Metadata.OwnerReferences = [Owner(owner)];
        var live = ConfigMap("live");
        live.Metadata.OwnerReferences = [Owner(await _client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("other"), "default"))];

        var created = await _client.CoreV1.CreateNamespacedConfigMapAsync(late, "default");
        await _client.CoreV1.CreateNamespacedConfigMapAsync(live, "default");

        created.Metadata.Uid.Should().NotBeNullOrEmpty("the create itself succeeds, as on a real API server");
        (await Names(null, "default")).Should().BeEquivalentTo(new[] { "live", "other" });
    }

    [Test]
    public async Task Delete_Orphan_KeepsDependents()
    {
        var owner = await _client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("owner"), "default");
        var child = ConfigMap("child");
        child.Metadata.OwnerReferences = [Owner(owner)];
        await _client.CoreV1.CreateNamespacedConfigMapAsync(child, "default");

        await _client.CoreV1.DeleteNamespacedConfigMapAsync("owner", "default", propagationPolicy: "Orphan");

        (await Names(null, "default")).Should().Equal("child");
    }

    [Test]
    public async Task Events_CoreAndEventsV1_AreStoredAndReadable()
    {
        await _client.CoreV1.CreateNamespacedEventAsync(new Corev1Event
        {
            Metadata = new V1ObjectMeta { Name = "w.1" },
            InvolvedObject = new V1ObjectReference { Kind = "Widget", Name = "w", NamespaceProperty = "default" },
            Reason = "Created",
            Message = "made it",
            Type = "Normal",
        }, "default");
        await _client.EventsV1.CreateNamespacedEventAsync(new Eventsv1Event
        {
            Metadata = new V1ObjectMeta { Name = "w.2" },
            Regarding = new V1ObjectReference { Kind = "Widget", Name = "w" },
            Reason = "Scaled",
            Action = "Scale",
            Type = "Normal",
            EventTime = DateTime.UtcNow,
            ReportingController = "test",
            ReportingInstance = "test-0",
        }, "default");

        _server.List<Corev1Event>("", "events", "default").Select(e => e.Reason).Should().Equal("Created");
        _server.List<Eventsv1Event>("events.k8s.io", "events", "default").Select(e => e.Reason).Should().Equal("Scaled");
        (await _client.CoreV1.ListNamespacedEventAsync("default", fieldSelector: "involvedObject.name=w")).Items.Should().HaveCount(1);
    }

    [Test]
    public async Task UnknownResource_Returns404()
    {
        var act = () => _client.CustomObjects.ListNamespacedCustomObjectAsync("nope.example.com", "v1", "default", "things");

        (await act.Should().ThrowAsync<HttpOperationException>()).Which.Response.StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Test]
    public async Task ClusterScoped_Namespace_CreateAndGet()
    {
        await _client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = "team-a" } });

        var read = await _client.CoreV1.ReadNamespaceAsync("team-a");

        read.Metadata.Name.Should().Be("team-a");
        read.Metadata.NamespaceProperty.Should().BeNull();
    }

    private async Task<List<string>> Names(string? selector, string ns) =>
        (await _client.CoreV1.ListNamespacedConfigMapAsync(ns, labelSelector: selector)).Items.Select(i => i.Metadata.Name).ToList();

    private static V1OwnerReference Owner(V1ConfigMap owner) =>
        new() { ApiVersion = "v1", Kind = "ConfigMap", Name = owner.Metadata.Name, Uid = owner.Metadata.Uid };

    private static V1ConfigMap ConfigMap(string name, params (string Key, string Value)[] labels) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, Labels = labels.Length == 0 ? null : labels.ToDictionary(l => l.Key, l => l.Value) },
        Data = new Dictionary<string, string> { ["k"] = "v" },
    };
}
