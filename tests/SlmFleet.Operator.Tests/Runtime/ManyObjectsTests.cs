using k8s;
using FluentAssertions;
using Microsoft.Extensions.Logging.Abstractions;
using NUnit.Framework;
using SlmFleet.Operator.Runtime;
using SlmFleet.Operator.Tests.Testing;
using SlmFleet.Testing.Kubernetes;
using SlmFleet.Testing;

namespace SlmFleet.Operator.Tests.Runtime;

[TestFixture]
public sealed class ManyObjectsTests
{
    [Test]
    public async Task ThousandWidgetsCreatedAtOnce_AllConvergeWithoutOverlap_InTwoRequestsEach()
    {
        await using var server = await KubeApiTestServer.StartAsync();
        server.RegisterResource(TestWidget.ResourceType);
        using var client = server.CreateClient();
        var manager = new ControllerManager(client, new ManagerOptions(), TimeProvider.System, NullLoggerFactory.Instance, RuntimeMetrics.CreateIsolated());
        var reconciler = new RecordingReconciler { Client = client };
        manager.AddController("widgets", reconciler, new ControllerOptions<TestWidget> { Workers = 16 });
        reconciler.Cache = manager.GetInformer<TestWidget>();
        using var stop = new CancellationTokenSource();
        var running = manager.RunAsync(stop.Token);
        await manager.WaitForSyncAsync(stop.Token);
        await Parallel.ForEachAsync(Enumerable.Range(0, 1000), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
            await client.CustomObjects.CreateNamespacedCustomObjectAsync(TestWidget.Create("default", $"w{i}"), TestWidget.GroupName, TestWidget.VersionName, "default", TestWidget.PluralName, cancellationToken: ct));
        await Poll.UntilAsync(() => server.List<TestWidget>(TestWidget.GroupName, TestWidget.PluralName, "default").All(w => w.Status?.ObservedGeneration == 1), "all reconciled", TimeSpan.FromSeconds(120));
        await stop.CancelAsync();
        await running;
        reconciler.Overlaps.Should().Be(0);
        server.Requests.Count(ApiVerb.Create).Should().Be(1000);
        server.Requests.Count(ApiVerb.Patch, "widgets/status").Should().Be(1000, "one status write per widget: the write-back event is filtered by generation");
        server.Requests.Count(ApiVerb.Update).Should().Be(0);
    }
}
