using FluentAssertions;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using NUnit.Framework;
using SlmFleet.Operator.RoutingPolicies;
using SlmFleet.Testing.Kubernetes;

namespace SlmFleet.Operator.Tests.RoutingPolicies;

/// <summary>The real usage sources: router pods listed from the API test server or fixed URLs, /metrics read over HTTP from a Kestrel on 127.0.0.1.</summary>
[TestFixture]
public sealed class PodRouterUsageSourceTests
{
    private const string RouterNamespace = "slm-system";

    [Test]
    public async Task ReadAsync_RunningRouterPods_ReadsEachOnesMetricsAndSkipsTheRest()
    {
        // Arrange
        await using var server = await KubeApiTestServer.StartAsync();
        using var client = server.CreateClient();
        await using var router = await RouterStandIn.StartAsync(RoutingPolicyFixtures.RouterPage("support-bot", 5, 1, 1, 0, 0.25, 10, 5));
        await CreatePodAsync(client, "router-1", "router", "Running", "127.0.0.1", router.Port);
        await CreatePodAsync(client, "router-pending", "router", "Pending", null, router.Port);
        await CreatePodAsync(client, "router-dead-port", "router", "Running", "127.0.0.1", RouterStandIn.FreePort());
        await CreatePodAsync(client, "worker-1", "worker", "Running", "127.0.0.1", router.Port);
        var metrics = new RoutingPolicyMetrics(Prometheus.Metrics.NewCustomRegistry());
        using var http = new HttpClient();
        var source = new PodRouterUsageSource(client, http, RouterNamespace, new RoutingPolicyOptions(), metrics, NullLogger<PodRouterUsageSource>.Instance);

        // Act
        var scrape = await source.ReadAsync(CancellationToken.None);

        // Assert
        var pages = scrape.Pages;
        pages.Should().ContainSingle();
        pages[0].Namespace.Should().Be(RouterNamespace);
        pages[0].Text.Should().Contain("slm_router_llm_spend_usd_total{model=\"support-bot\"} 0.25");
        var dead = await client.CoreV1.ReadNamespacedPodAsync("router-dead-port", RouterNamespace);
        scrape.Unreached.Should().Equal([(RouterNamespace, dead.Metadata.Uid)], "the running router that did not answer is named, the pending one is not");
        router.Requests.Should().Be(1, "only the running router pod is read");
        metrics.Scrapes.WithLabels("failed").Value.Should().Be(1, "the router whose port does not answer is counted and skipped");
    }

    [Test]
    public async Task ReadAsync_StaticUrls_ReadsEachAnsweringUrl()
    {
        // Arrange
        await using var router = await RouterStandIn.StartAsync(RoutingPolicyFixtures.RouterPage("bot", 1, 0, 0, 0, 0, 0, 0));
        var metrics = new RoutingPolicyMetrics(Prometheus.Metrics.NewCustomRegistry());
        using var http = new HttpClient();
        var dead = new Uri($"http://127.0.0.1:{RouterStandIn.FreePort()}/metrics");
        var source = new StaticRouterUsageSource([router.MetricsUrl, dead], "ml", http, new RoutingPolicyOptions(), metrics, NullLogger<StaticRouterUsageSource>.Instance);

        // Act
        var scrape = await source.ReadAsync(CancellationToken.None);

        // Assert
        scrape.Pages.Should().ContainSingle().Which.Namespace.Should().Be("ml");
        scrape.Unreached.Should().Equal([("ml", dead.ToString())]);
        new UsageLedger().Record("2026-03", scrape.Pages)[("ml", "bot")].SlmRequests.Should().Be(1);
        metrics.Scrapes.WithLabels("failed").Value.Should().Be(1);
    }

    private static async Task CreatePodAsync(Kubernetes client, string name, string component, string phase, string? ip, int port)
    {
        var pod = await client.CoreV1.CreateNamespacedPodAsync(new V1Pod
        {
            Metadata = new V1ObjectMeta { Name = name, Labels = new Dictionary<string, string> { ["app.kubernetes.io/component"] = component } },
            Spec = new V1PodSpec { Containers = [new V1Container { Name = "c", Image = "x", Ports = [new V1ContainerPort { Name = "metrics", ContainerPort = port }] }] },
        }, RouterNamespace);
        pod.Status = new V1PodStatus { Phase = phase, PodIP = ip };
        await client.CoreV1.ReplaceNamespacedPodStatusAsync(pod, name, RouterNamespace);
    }
}
