using System.Net;
using SlmFleet.Router.Hosting;
using SlmFleet.Router.Tests.Infrastructure;
using SlmFleet.Testing.OpenAi;

namespace SlmFleet.Router.Tests.Hosting;

/// <summary>/metrics on its own listener: served there (with the probes) and nowhere else; one port when asked.</summary>
[TestFixture]
public sealed class MetricsListenerTests
{
    private static async Task<TestRouter> StartAsync(OpenAiTestServer llm, Action<RouterOptions, string>? configure = null)
    {
        var worker = await TinyWorker.AddressAsync();
        return await TestRouter.StartAsync(PolicyYaml.Build(worker, null, PolicyYaml.Policy("fleet", "tiny", llm.BaseUrl, 0.0)), configure);
    }

    [Test]
    public async Task MetricsPort_ServesMetricsAndProbesOnly_ApiPortServesNoMetrics()
    {
        await using var llm = await OpenAiTestServer.StartAsync();
        await using var router = await StartAsync(llm);
        using var metricsPort = new HttpClient { BaseAddress = router.MetricsUrl };

        router.MetricsUrl.Port.Should().NotBe(router.BaseUrl.Port);
        var scraped = await metricsPort.GetAsync("/metrics");
        scraped.StatusCode.Should().Be(HttpStatusCode.OK);
        (await scraped.Content.ReadAsStringAsync()).Should().Contain("slm_router_slm_endpoints");
        (await metricsPort.GetAsync("/healthz")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await metricsPort.GetAsync("/v1/models")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        var onApi = await router.Http.GetAsync("/metrics");
        onApi.StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await onApi.Content.ReadAsStringAsync()).Should().Contain("--metrics-listen");
        (await router.Http.GetAsync("/healthz")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await router.Http.GetAsync("/v1/models")).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task MetricsListenEmptyOrSameAsListen_ServesMetricsOnTheApiPort(bool same)
    {
        await using var llm = await OpenAiTestServer.StartAsync();
        await using var router = await StartAsync(llm, (options, _) =>
        {
            // "The same address" needs a fixed port (port 0 asks for a new free port per listener).
            options.Listen = same ? $"http://127.0.0.1:{FreePort()}" : options.Listen;
            options.MetricsListen = same ? options.Listen : string.Empty;
        });

        var scraped = await router.Http.GetAsync("/metrics");

        scraped.StatusCode.Should().Be(HttpStatusCode.OK);
        router.MetricsUrl.Should().Be(router.BaseUrl);
    }

    private static int FreePort()
    {
        using var socket = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }

    [Test]
    public void MetricsListenHttps_FailsNamingTheFlag()
    {
        var options = new RouterOptions { Listen = "http://127.0.0.1:0", MetricsListen = "https://127.0.0.1:0" };

        var act = () => RouterHost.Build(options);

        act.Should().Throw<InvalidOperationException>().WithMessage("*--metrics-listen*plain HTTP*");
    }
}
