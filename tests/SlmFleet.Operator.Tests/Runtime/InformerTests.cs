using System.Collections.Concurrent;
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
public sealed class InformerTests
{
    private static readonly InformerOptions FastRetries = new()
    {
        InitialBackoff = TimeSpan.FromMilliseconds(20),
        MaxBackoff = TimeSpan.FromMilliseconds(200),
        ResyncPeriod = TimeSpan.Zero,
    };

    private KubeApiTestServer _server = null!;
    private Kubernetes _client = null!;
    private CancellationTokenSource _stop = null!;
    private readonly List<Task> _running = [];

    [SetUp]
    public async Task SetUp()
    {
        _server = await KubeApiTestServer.StartAsync();
        _server.RegisterResource(TestWidget.ResourceType);
        _client = _server.CreateClient();
        _stop = new CancellationTokenSource();
    }

    [TearDown]
    public async Task TearDown()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_running).WaitAsync(TimeSpan.FromSeconds(30));
        _running.Clear();
        _stop.Dispose();
        _client.Dispose();
        await _server.DisposeAsync();
    }

    [Test]
    public async Task WaitForSync_ListsExistingObjects_ThenDeliversWatchEvents()
    {
        await CreateConfigMap("existing");
        var (informer, events) = Start<V1ConfigMap>(ResourceDescriptor.For<V1ConfigMap>("default"));

        await informer.WaitForSyncAsync(_stop.Token);
        var cachedAtSync = informer.Count;
        await CreateConfigMap("later");
        await _client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("""{"data":{"k":"2"}}""", V1Patch.PatchType.MergePatch), "later", "default");
        await _client.CoreV1.DeleteNamespacedConfigMapAsync("existing", "default");
        await Poll.UntilAsync(() => events.Count >= 4, "4 events delivered");

        cachedAtSync.Should().Be(1);
        events.Select(e => (e.Type, e.Key.Name)).Should().Equal(
            (InformerEventType.Added, "existing"),
            (InformerEventType.Added, "later"),
            (InformerEventType.Modified, "later"),
            (InformerEventType.Deleted, "existing"));
        informer.Get(new ObjectKey("default", "later"))!.Data["k"].Should().Be("2");
        informer.Get(new ObjectKey("default", "existing")).Should().BeNull();
        events.ElementAt(2).Old!.Data["k"].Should().Be("v");
    }

    [Test]
    public async Task CustomResource_IsCachedTyped()
    {
        await _client.CustomObjects.CreateNamespacedCustomObjectAsync(TestWidget.Create("default", "w", replicas: 3), TestWidget.GroupName, TestWidget.VersionName, "default", TestWidget.PluralName);
        var (informer, _) = Start<TestWidget>(ResourceDescriptor.For<TestWidget>());

        await informer.WaitForSyncAsync(_stop.Token);

        informer.Get(new ObjectKey("default", "w"))!.Spec.Replicas.Should().Be(3);
    }

    [Test]
    public async Task CutWatches_ReconnectsFromLastVersion_WithoutMissingOrRelisting()
    {
        var (informer, _) = Start<V1ConfigMap>(ResourceDescriptor.For<V1ConfigMap>("default"));
        await informer.WaitForSyncAsync(_stop.Token);
        _server.Faults.CutWatchesAfterEvents = 1;

        for (var i = 0; i < 10; i++)
        {
            await CreateConfigMap($"c{i}");
        }

        await Poll.UntilAsync(() => informer.Count == 10, "all 10 objects cached despite cut watches");
        _server.Requests.Count(ApiVerb.Watch).Should().BeGreaterThan(2);
        _server.Requests.Count(ApiVerb.List).Should().Be(1);
    }

    [Test]
    public async Task Gone_RelistsAndCatchesUp()
    {
        var (informer, events) = Start<V1ConfigMap>(ResourceDescriptor.For<V1ConfigMap>("default"));
        await informer.WaitForSyncAsync(_stop.Token);
        _server.Faults.CutWatchesAfterEvents = 1;
        _server.Faults.ForceGoneOnNextWatch();

        await CreateConfigMap("a");
        await Poll.UntilAsync(() => _server.Requests.Count(ApiVerb.List) >= 2, "informer relisted after 410");
        _server.Faults.Clear();
        await CreateConfigMap("b");

        await Poll.UntilAsync(() => informer.Count == 2, "both objects cached after relist");
        events.Count(e => e.Type == InformerEventType.Added && e.Key.Name == "a").Should().Be(1, "a relist does not re-announce unchanged objects");
    }

    [Test]
    public async Task ServerErrors_AreRetriedWithBackoffUntilSynced()
    {
        await CreateConfigMap("a");
        _server.Faults.SetErrorRate(ApiVerb.List, 1.0);
        var (informer, _) = Start<V1ConfigMap>(ResourceDescriptor.For<V1ConfigMap>("default"));

        await Poll.UntilAsync(() => _server.Requests.Count(ApiVerb.List) >= 3, "list retried");
        var syncedDuringErrors = informer.HasSynced;
        _server.Faults.Clear();
        await informer.WaitForSyncAsync(_stop.Token).WaitAsync(TimeSpan.FromSeconds(30));

        syncedDuringErrors.Should().BeFalse();
        informer.Count.Should().Be(1);
    }

    [Test]
    public async Task CoreKinds_AllNamespacesAndClusterScoped_AreListedAndWatched()
    {
        await CreateConfigMap("in-default");
        await _client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = "team-a" } });
        var (configMaps, _) = Start<V1ConfigMap>(ResourceDescriptor.For<V1ConfigMap>());
        var (namespaces, _) = Start<V1Namespace>(ResourceDescriptor.For<V1Namespace>());
        await Task.WhenAll(configMaps.WaitForSyncAsync(_stop.Token), namespaces.WaitForSyncAsync(_stop.Token));

        await _client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "in-team-a" } }, "team-a");
        await Poll.UntilAsync(() => configMaps.Count == 2, "config maps of both namespaces cached");

        configMaps.Get(new ObjectKey("team-a", "in-team-a")).Should().NotBeNull();
        namespaces.Get(new ObjectKey(null, "team-a")).Should().NotBeNull();
    }

    [Test]
    public async Task RandomWatchAndListErrors_CacheStillConverges()
    {
        var (informer, _) = Start<V1ConfigMap>(ResourceDescriptor.For<V1ConfigMap>("default"));
        await informer.WaitForSyncAsync(_stop.Token);
        _server.Faults.SetErrorRate(ApiVerb.Watch, 0.5);
        _server.Faults.SetErrorRate(ApiVerb.List, 0.5);
        _server.Faults.CutWatchesAfterEvents = 3;
        _server.Faults.ForceGoneOnNextWatch(2);

        for (var i = 0; i < 20; i++)
        {
            await CreateConfigMap($"c{i}");
        }

        await _client.CoreV1.DeleteNamespacedConfigMapAsync("c0", "default");
        await Poll.UntilAsync(() => informer.Count == 19 && informer.Get(new ObjectKey("default", "c0")) is null, "cache matches the server despite faults");
        _server.Faults.InjectedFaults.Should().BeGreaterThan(0);
    }

    [Test]
    public async Task LabelSelector_CachesOnlyMatchingObjects()
    {
        await CreateConfigMap("plain");
        await CreateConfigMap("mine", ("app", "x"));
        var (informer, _) = Start<V1ConfigMap>(ResourceDescriptor.For<V1ConfigMap>("default", "app=x"));

        await informer.WaitForSyncAsync(_stop.Token);

        informer.List().Select(c => c.Metadata.Name).Should().Equal("mine");
    }

    [Test]
    public async Task Resync_RedeliversEveryCachedObject_OnTheInjectedClock()
    {
        await CreateConfigMap("a");
        await CreateConfigMap("b");
        var clock = new ManualTimeProvider();
        var options = new InformerOptions { ResyncPeriod = TimeSpan.FromMinutes(5) };
        var (informer, events) = Start<V1ConfigMap>(ResourceDescriptor.For<V1ConfigMap>("default"), options, clock);
        await informer.WaitForSyncAsync(_stop.Token);

        clock.Advance(TimeSpan.FromMinutes(5));

        events.Where(e => e.Type == InformerEventType.Resync).Select(e => e.Key.Name).Should().BeEquivalentTo(["a", "b"]);
    }

    private (Informer<T> Informer, ConcurrentQueue<InformerEvent<T>> Events) Start<T>(ResourceDescriptor resource, InformerOptions? options = null, TimeProvider? time = null)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var informer = new Informer<T>(_client, resource, options ?? FastRetries, time ?? TimeProvider.System, NullLogger.Instance, RuntimeMetrics.CreateIsolated());
        var events = new ConcurrentQueue<InformerEvent<T>>();
        informer.AddHandler(events.Enqueue);
        _running.Add(Task.Run(() => informer.RunAsync(_stop.Token)));
        return (informer, events);
    }

    private Task<V1ConfigMap> CreateConfigMap(string name, params (string Key, string Value)[] labels) =>
        _client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap
        {
            Metadata = new V1ObjectMeta { Name = name, Labels = labels.Length == 0 ? null : labels.ToDictionary(l => l.Key, l => l.Value) },
            Data = new Dictionary<string, string> { ["k"] = "v" },
        }, "default");
}
