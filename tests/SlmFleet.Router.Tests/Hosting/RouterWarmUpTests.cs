using System.Net;
using Microsoft.Extensions.Hosting;
using SlmFleet.Router.Hosting;
using SlmFleet.Router.Tests.Infrastructure;
using SlmFleet.Testing;
using SlmFleet.Testing.OpenAi;

namespace SlmFleet.Router.Tests.Hosting;

[TestFixture]
public sealed class RouterWarmUpTests
{
    [Test]
    public async Task RunAsync_ExercisesTheRequestPathWithoutThrowing()
    {
        var act = () => RouterWarmUp.RunAsync(CancellationToken.None);

        await act.Should().NotThrowAsync();
    }

    [Test]
    public async Task Readyz_AfterWarmUp_Is200OnBothPorts_AndWarmUpLeavesNoMetrics()
    {
        await using var llm = await OpenAiTestServer.StartAsync();
        var worker = await TinyWorker.AddressAsync();
        await using var router = await TestRouter.StartAsync(PolicyYaml.Build(worker, null, PolicyYaml.Policy("fleet", "tiny", llm.BaseUrl, 0.0)));
        var gate = router.Services.GetRequiredService<ReadinessGate>();

        await Poll.UntilAsync(() => gate.Ready, "the warm-up to finish");

        (await router.Http.GetAsync("/readyz")).StatusCode.Should().Be(HttpStatusCode.OK);
        using var metricsPort = new HttpClient { BaseAddress = router.MetricsUrl };
        (await metricsPort.GetAsync("/readyz")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await router.MetricAsync("slm_router_requests_total")).Should().Be(0);
        (await router.MetricAsync("slm_router_client_errors_total")).Should().Be(0);
        llm.Requests.Should().BeEmpty();
    }

    [Test]
    public async Task Readyz_WithoutWarmUp_Is503WhileHealthzIs200()
    {
        var policies = Path.Combine(Path.GetTempPath(), "slm-warmup-" + Guid.NewGuid().ToString("N")[..8] + ".yaml");
        await File.WriteAllTextAsync(policies, "deployments: []\npolicies: []\n");
        var options = new RouterOptions { Listen = "http://127.0.0.1:0", MetricsListen = "http://127.0.0.1:0", Policies = policies, LogLevel = "Warning" };
        await using var app = RouterHost.Build(options, services =>
            services.Remove(services.Single(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType == typeof(RouterWarmUp))));
        await app.StartAsync();
        try
        {
            using var http = new HttpClient { BaseAddress = RouterHost.BoundAddress(app) };

            var ready = await http.GetAsync("/readyz");

            ready.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
            (await http.GetAsync("/healthz")).StatusCode.Should().Be(HttpStatusCode.OK, "liveness does not wait for the warm-up");
        }
        finally
        {
            await app.StopAsync();
            File.Delete(policies);
        }
    }
}
