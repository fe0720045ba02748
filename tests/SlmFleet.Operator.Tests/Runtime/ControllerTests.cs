using FluentAssertions;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using NUnit.Framework;
using SlmFleet.Operator.Runtime;
using SlmFleet.Operator.Tests.Testing;
using SlmFleet.Testing.Kubernetes;
using SlmFleet.Testing;

namespace SlmFleet.Operator.Tests.Runtime;

[TestFixture]
public sealed class ControllerTests
{
    private static readonly ControllerOptions<TestWidget> FastQueue = new()
    {
        Workers = 4,
        Queue = new WorkQueueOptions { BaseDelay = TimeSpan.FromMilliseconds(10), MaxDelay = TimeSpan.FromMilliseconds(100) },
    };

    private KubeApiTestServer _server = null!;
    private Kubernetes _client = null!;
    private CancellationTokenSource _stop = null!;
    private Task _running = Task.CompletedTask;
    private RecordingReconciler _reconciler = null!;
    private ControllerManager _manager = null!;

    [SetUp]
    public async Task SetUp()
    {
        _server = await KubeApiTestServer.StartAsync();
        _server.RegisterResource(TestWidget.ResourceType);
        _client = _server.CreateClient();
        _stop = new CancellationTokenSource();
        _reconciler = new RecordingReconciler { Client = _client };
        _manager = new ControllerManager(_client, new ManagerOptions { Informers = new InformerOptions { ResyncPeriod = TimeSpan.Zero } },
            TimeProvider.System, NullLoggerFactory.Instance, RuntimeMetrics.CreateIsolated());
    }

    [TearDown]
    public async Task TearDown()
    {
        await _stop.CancelAsync();
        try
        {
            await _running.WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
        _client.Dispose();
        await _server.DisposeAsync();
    }

    [Test]
    public async Task Start_ReconcilesEveryExistingObjectOnce()
    {
        await CreateWidget("a");
        await CreateWidget("b");

        var controller = StartController();

        await Poll.UntilAsync(() => _reconciler.CallsFor("a") >= 1 && _reconciler.CallsFor("b") >= 1, "both reconciled");
        await Poll.UntilAsync(() => controller.Queue is { Count: 0 }, "queue drained");
        _reconciler.CallsFor("a").Should().Be(1, "the status write-back has an unchanged generation and is filtered out");
    }

    [Test]
    public async Task SpecChange_Reconciles_StatusOnlyChange_DoesNot()
    {
        await CreateWidget("a");
        StartController();
        await Poll.UntilAsync(() => ObservedGeneration("a") == 1, "first reconcile wrote status");
        var callsAfterStart = _reconciler.CallsFor("a");

        await _client.CustomObjects.PatchNamespacedCustomObjectStatusAsync(new V1Patch("""{"status":{"replicas":7}}""", V1Patch.PatchType.MergePatch),
            TestWidget.GroupName, TestWidget.VersionName, "default", TestWidget.PluralName, "a");
        await _client.CustomObjects.PatchNamespacedCustomObjectAsync(new V1Patch("""{"spec":{"color":"red"}}""", V1Patch.PatchType.MergePatch),
            TestWidget.GroupName, TestWidget.VersionName, "default", TestWidget.PluralName, "a");
        await Poll.UntilAsync(() => ObservedGeneration("a") == 2, "spec change reconciled");

        _reconciler.Calls.Where(c => c.Key.Name == "a").Select(c => c.Generation).Should().Equal(1L, 2L);
        callsAfterStart.Should().Be(1);
    }

    [Test]
    public async Task Exception_IsRetriedWithBackoff_UntilItSucceeds()
    {
        await CreateWidget("a");
        _reconciler.Behaviour = (_, attempt) => attempt < 3
            ? throw new InvalidOperationException("transient failure")
            : Task.FromResult(ReconcileResult.Done);

        var controller = StartController();

        await Poll.UntilAsync(() => _manager.Metrics.Reconciles.WithLabels("widgets", "success").Value >= 1, "third attempt succeeded");
        controller.Queue!.NumRequeues(new ObjectKey("default", "a")).Should().Be(0, "success forgets the back-off");
        _manager.Metrics.ReconcileErrors.WithLabels("widgets").Value.Should().Be(2);
        _reconciler.CallsFor("a").Should().Be(3);
    }

    [Test]
    public async Task RequeueAfter_RunsTheKeyAgain()
    {
        await CreateWidget("a");
        _reconciler.Behaviour = (_, attempt) => Task.FromResult(attempt < 3 ? ReconcileResult.After(TimeSpan.FromMilliseconds(50)) : ReconcileResult.Done);

        StartController();

        await Poll.UntilAsync(() => _reconciler.CallsFor("a") == 3, "requeued twice");
    }

    [Test]
    public async Task OwnedObjectChange_ReconcilesTheOwner()
    {
        var widget = await CreateWidget("a");
        var controller = _manager.AddController("widgets", _reconciler, FastQueue);
        _reconciler.Cache = _manager.GetInformer<TestWidget>();
        controller.Owns(_manager.GetInformer<V1ConfigMap>(ResourceDescriptor.For<V1ConfigMap>("default")));
        _running = _manager.RunAsync(_stop.Token);
        await Poll.UntilAsync(() => _reconciler.CallsFor("a") == 1, "initial reconcile");

        await _client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap
        {
            Metadata = new V1ObjectMeta
            {
                Name = "a-config",
                OwnerReferences = [new V1OwnerReference { ApiVersion = widget.ApiVersion, Kind = widget.Kind, Name = "a", Uid = widget.Metadata.Uid, Controller = true }],
            },
        }, "default");

        await Poll.UntilAsync(() => _reconciler.CallsFor("a") == 2, "owned object change enqueued the owner");
    }

    [Test]
    public async Task ManyUpdates_NeverReconcileTheSameKeyConcurrently()
    {
        for (var i = 0; i < 5; i++)
        {
            await CreateWidget($"w{i}");
        }

        StartController();
        for (var round = 0; round < 10; round++)
        {
            for (var i = 0; i < 5; i++)
            {
                await _client.CustomObjects.PatchNamespacedCustomObjectAsync(new V1Patch($$$"""{"spec":{"replicas":{{{round + 2}}}}}""", V1Patch.PatchType.MergePatch),
                    TestWidget.GroupName, TestWidget.VersionName, "default", TestWidget.PluralName, $"w{i}");
            }
        }

        await Poll.UntilAsync(() => Enumerable.Range(0, 5).All(i => ObservedGeneration($"w{i}") == 11), "every widget reconciled at its last generation");
        _reconciler.Overlaps.Should().Be(0);
    }

    [Test]
    public async Task Deletion_ReconcilesWithTheObjectGoneFromTheCache()
    {
        await CreateWidget("a");
        StartController();
        await Poll.UntilAsync(() => _reconciler.CallsFor("a") == 1, "initial reconcile");

        await _client.CustomObjects.DeleteNamespacedCustomObjectAsync(TestWidget.GroupName, TestWidget.VersionName, "default", TestWidget.PluralName, "a");

        await Poll.UntilAsync(() => _reconciler.Calls.Any(c => c.Key.Name == "a" && c.Generation is null), "reconciled after deletion with no cached object");
    }

    private Controller<TestWidget> StartController()
    {
        var controller = _manager.AddController("widgets", _reconciler, FastQueue);
        _reconciler.Cache = _manager.GetInformer<TestWidget>();
        _running = _manager.RunAsync(_stop.Token);
        return controller;
    }

    private long? ObservedGeneration(string name) =>
        _server.Get<TestWidget>(TestWidget.GroupName, TestWidget.PluralName, "default", name)?.Status?.ObservedGeneration;

    private async Task<TestWidget> CreateWidget(string name)
    {
        var created = await _client.CustomObjects.CreateNamespacedCustomObjectAsync(TestWidget.Create("default", name), TestWidget.GroupName, TestWidget.VersionName, "default", TestWidget.PluralName);
        return KubernetesJson.Deserialize<TestWidget>(System.Text.Json.JsonSerializer.Serialize(created));
    }
}
