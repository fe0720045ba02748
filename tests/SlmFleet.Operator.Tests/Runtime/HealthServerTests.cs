using System.Net;
using FluentAssertions;
using k8s;
using Microsoft.Extensions.Logging.Abstractions;
using NUnit.Framework;
using SlmFleet.Operator.Hosting;
using SlmFleet.Operator.Runtime;
using SlmFleet.Operator.Tests.Testing;
using SlmFleet.Testing.Kubernetes;
using SlmFleet.Testing;

namespace SlmFleet.Operator.Tests.Runtime;

[TestFixture]
public sealed class HealthServerTests
{
    [Test]
    public async Task Endpoints_ReportLivenessReadinessAndMetrics()
    {
        await using var server = await KubeApiTestServer.StartAsync();
        server.RegisterResource(TestWidget.ResourceType);
        using var client = server.CreateClient();
        await client.CustomObjects.CreateNamespacedCustomObjectAsync(TestWidget.Create("default", "a"), TestWidget.GroupName, TestWidget.VersionName, "default", TestWidget.PluralName);
        var manager = new ControllerManager(client, new ManagerOptions(), TimeProvider.System, NullLoggerFactory.Instance, RuntimeMetrics.CreateIsolated());
        var reconciler = new RecordingReconciler();
        manager.AddController("widgets", reconciler);
        await using var health = await HealthServer.StartAsync(new HealthServerOptions { Port = 0 }, () => manager.IsReady, manager.Metrics.Registry, NullLogger.Instance, CancellationToken.None);
        using var http = new HttpClient { BaseAddress = new Uri(health.Url) };

        var readyBeforeStart = await http.GetAsync("/readyz");
        using var stop = new CancellationTokenSource();
        var running = manager.RunAsync(stop.Token);
        await Poll.UntilAsync(async () => (await http.GetAsync("/readyz")).StatusCode == HttpStatusCode.OK, "ready after sync and controller start");
        await Poll.UntilAsync(() => reconciler.CallsFor("a") == 1, "reconciled");
        await Poll.UntilAsync(() => manager.Metrics.Reconciles.WithLabels("widgets", "success").Value == 1, "reconcile counted");
        var live = await http.GetAsync("/healthz");
        var metrics = await http.GetStringAsync("/metrics");
        await stop.CancelAsync();
        await running.WaitAsync(TimeSpan.FromSeconds(30));

        readyBeforeStart.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        live.StatusCode.Should().Be(HttpStatusCode.OK);
        metrics.Should().Contain("slm_operator_reconcile_total{controller=\"widgets\",result=\"success\"} 1")
            .And.Contain("slm_operator_reconcile_duration_seconds_bucket")
            .And.Contain("slm_operator_workqueue_adds_total")
            .And.Contain("slm_operator_informer_events_total");
    }
}
