using System.Net;
using FluentAssertions;
using k8s;
using k8s.Autorest;
using k8s.Models;
using NUnit.Framework;
using SlmFleet.Testing.Kubernetes;

namespace SlmFleet.Operator.Tests.Testing;

[TestFixture]
public sealed class KubeApiTestServerWatchTests
{
    private KubeApiTestServer _server = null!;
    private Kubernetes _client = null!;

    [TearDown]
    public async Task TearDown()
    {
        _client.Dispose();
        await _server.DisposeAsync();
    }

    [Test]
    public async Task Watch_FromListResourceVersion_StreamsLaterChangesInOrder()
    {
        await Start();
        await Create("before");
        var list = await _client.CoreV1.ListNamespacedConfigMapAsync("default");
        await Create("after");
        await _client.CoreV1.DeleteNamespacedConfigMapAsync("before", "default");

        var events = await Collect(list.Metadata.ResourceVersion, count: 2);

        events.Should().Equal((WatchEventType.Added, "after"), (WatchEventType.Deleted, "before"));
    }

    [Test]
    public async Task Watch_WithoutResourceVersion_StartsWithAddedForExisting()
    {
        await Start();
        await Create("a");

        var events = await Collect(resourceVersion: null, count: 1);

        events.Should().Equal((WatchEventType.Added, "a"));
    }

    [Test]
    public async Task Watch_LabelSelector_FiltersEvents()
    {
        await Start();
        var list = await _client.CoreV1.ListNamespacedConfigMapAsync("default");
        await Create("plain");
        await Create("labelled", ("app", "x"));

        var events = await Collect(list.Metadata.ResourceVersion, count: 1, labelSelector: "app=x");

        events.Should().Equal((WatchEventType.Added, "labelled"));
    }

    [Test]
    public async Task Watch_TooOldResourceVersion_Sends410Expired()
    {
        await Start(new KubeApiTestServerOptions { WatchHistoryLimit = 2 });
        await Create("seed");
        var list = await _client.CoreV1.ListNamespacedConfigMapAsync("default");
        for (var i = 0; i < 5; i++)
        {
            await Create($"c{i}");
        }

        var errors = new List<Exception>();
        await foreach (var _ in _client.CoreV1.WatchListNamespacedConfigMapAsync("default", resourceVersion: list.Metadata.ResourceVersion, timeoutSeconds: 30, onError: errors.Add))
        {
            Assert.Fail("no event expected from an expired resourceVersion");
        }

        errors.Should().ContainSingle().Which.Should().BeOfType<KubernetesException>()
            .Which.Status.Code.Should().Be(410);
    }

    [Test]
    public async Task Watch_AllowBookmarks_SendsBookmarkWithCurrentVersion()
    {
        await Start(new KubeApiTestServerOptions { BookmarkInterval = TimeSpan.FromMilliseconds(100) });
        await Create("a");

        V1ConfigMap? bookmark = null;
        await foreach (var (type, item) in _client.CoreV1.WatchListNamespacedConfigMapAsync("default", allowWatchBookmarks: true, resourceVersion: _server.ResourceVersion.ToString(), timeoutSeconds: 30))
        {
            if (type == WatchEventType.Bookmark)
            {
                bookmark = item;
                break;
            }
        }

        bookmark!.Metadata.ResourceVersion.Should().Be(_server.ResourceVersion.ToString());
    }

    [Test]
    public async Task Watch_TimeoutSeconds_EndsStream()
    {
        await Start();
        await Create("a");
        var count = 0;

        await foreach (var _ in _client.CoreV1.WatchListNamespacedConfigMapAsync("default", timeoutSeconds: 1))
        {
            count++;
        }

        count.Should().Be(1, "the initial ADDED arrives, then the server ends the stream after timeoutSeconds");
    }

    [Test]
    public async Task Faults_CutWatchesAfterEvents_EndsStreamEarly()
    {
        await Start();
        var list = await _client.CoreV1.ListNamespacedConfigMapAsync("default");
        for (var i = 0; i < 5; i++)
        {
            await Create($"c{i}");
        }

        _server.Faults.CutWatchesAfterEvents = 2;
        var received = 0;
        await foreach (var _ in _client.CoreV1.WatchListNamespacedConfigMapAsync("default", resourceVersion: list.Metadata.ResourceVersion, timeoutSeconds: 60))
        {
            received++;
        }

        received.Should().Be(2);
    }

    [Test]
    public async Task Faults_ForceGone_NextWatchGets410()
    {
        await Start();
        _server.Faults.ForceGoneOnNextWatch();
        var errors = new List<Exception>();

        await foreach (var _ in _client.CoreV1.WatchListNamespacedConfigMapAsync("default", resourceVersion: "1", timeoutSeconds: 30, onError: errors.Add))
        {
        }

        errors.Should().ContainSingle().Which.As<KubernetesException>().Status.Code.Should().Be(410);
        _server.Faults.InjectedFaults.Should().Be(1);
    }

    [Test]
    public async Task Faults_ErrorRateOne_AnswersEveryGetWithErrorAndCountsRequests()
    {
        await Start();
        await Create("a");
        _server.Requests.Reset();
        _server.Faults.ErrorStatusCodes = [429];
        _server.Faults.SetErrorRate(ApiVerb.Get, 1.0);

        var act = () => _client.CoreV1.ReadNamespacedConfigMapAsync("a", "default");

        var error = (await act.Should().ThrowAsync<HttpOperationException>()).Which;
        error.Response.StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
        error.Response.Headers["Retry-After"].Should().Equal("1");
        await _client.CoreV1.ListNamespacedConfigMapAsync("default");
        _server.Requests.Count(ApiVerb.Get, "configmaps").Should().Be(1);
        _server.Requests.Count(ApiVerb.List).Should().Be(1);
        _server.Requests.Writes.Should().Be(0);
    }

    [Test]
    public async Task Faults_ForceConflicts_FailsNextWritesThenRecovers()
    {
        await Start();
        var created = await Create("a");
        _server.Faults.ForceConflicts(1);
        created.Data = new Dictionary<string, string> { ["k"] = "v2" };

        var first = () => _client.CoreV1.ReplaceNamespacedConfigMapAsync(created, "a", "default");
        (await first.Should().ThrowAsync<HttpOperationException>()).Which.Response.StatusCode.Should().Be(HttpStatusCode.Conflict);
        var second = await _client.CoreV1.ReplaceNamespacedConfigMapAsync(created, "a", "default");

        second.Data["k"].Should().Be("v2");
    }

    private async Task Start(KubeApiTestServerOptions? options = null)
    {
        _server = await KubeApiTestServer.StartAsync(options);
        _client = _server.CreateClient();
    }

    private Task<V1ConfigMap> Create(string name, params (string Key, string Value)[] labels) =>
        _client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap
        {
            Metadata = new V1ObjectMeta { Name = name, Labels = labels.Length == 0 ? null : labels.ToDictionary(l => l.Key, l => l.Value) },
            Data = new Dictionary<string, string> { ["k"] = "v" },
        }, "default");

    private async Task<List<(WatchEventType, string)>> Collect(string? resourceVersion, int count, string? labelSelector = null)
    {
        var events = new List<(WatchEventType, string)>();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await foreach (var (type, item) in _client.CoreV1.WatchListNamespacedConfigMapAsync("default", resourceVersion: resourceVersion, labelSelector: labelSelector, timeoutSeconds: 30, cancellationToken: cts.Token))
        {
            events.Add((type, item.Metadata.Name));
            if (events.Count == count)
            {
                break;
            }
        }

        return events;
    }
}
