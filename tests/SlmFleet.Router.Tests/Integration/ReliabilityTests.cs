using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using SlmFleet.Router.Tests.Infrastructure;
using SlmFleet.Testing.Logging;
using SlmFleet.Testing.OpenAi;

namespace SlmFleet.Router.Tests.Integration;

[TestFixture]
public sealed class ReliabilityTests
{
    private static Uri ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return new Uri($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}");
    }

    [Test]
    public async Task DeadReplica_RequestsFailOverToLiveReplica_NoUnavailable()
    {
        await using var llm = await OpenAiTestServer.StartAsync();
        var worker = await TinyWorker.AddressAsync();
        var yaml = $"""
            deployments:
              - name: pair
                endpoints: ["{ClosedPort().ToString().TrimEnd('/')}", "{worker.ToString().TrimEnd('/')}"]
            policies:
            {PolicyYaml.Policy("pair", "pair", llm.BaseUrl, 0.0)}
            """;
        await using var router = await TestRouter.StartAsync(yaml);

        var routes = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            var response = await router.PostJsonAsync("/v1/chat/completions", """{"model":"pair","messages":[{"role":"user","content":"hi"}],"max_tokens":2}""");
            response.StatusCode.Should().Be(HttpStatusCode.OK);
            routes.Add(string.Join(",", response.Headers.GetValues("x-slmfleet-route")));
        }

        routes.Should().AllBe("slm");
        llm.Requests.Should().BeEmpty();
    }

    [Test]
    public async Task Secrets_NeverAppearInLogsOrMetrics()
    {
        const string LlmKey = "sk-llm-SECRET-7f3a9c";
        const string ClientKey = "client-SECRET-91b2d4";
        var logs = new RecordingLoggerProvider();
        await using var llm = await OpenAiTestServer.StartAsync();
        var worker = await TinyWorker.AddressAsync();
        var yaml = PolicyYaml.Build(worker, null,
            PolicyYaml.Policy("strict", "tiny", llm.BaseUrl, 0.99),
            PolicyYaml.Policy("down", "empty", new Uri("http://127.0.0.1:9/v1"), 0.0));
        await using var router = await TestRouter.StartAsync(yaml, (options, dir) =>
        {
            Directory.CreateDirectory(Path.Combine(dir, "secrets", "llm-key"));
            File.WriteAllText(Path.Combine(dir, "secrets", "llm-key", "api-key"), LlmKey);
            File.WriteAllText(Path.Combine(dir, "keys"), ClientKey + "\n");
            options.ClientKeysFile = Path.Combine(dir, "keys");
            options.LogLevel = "Trace";
        }, logs);

        async Task<HttpResponseMessage> Send(string model, string? key)
        {
            var response = await router.PostJsonAsync("/v1/chat/completions", $$"""{"model":"{{model}}","messages":[{"role":"user","content":"hi"}],"max_tokens":2}""",
                h => h.Authorization = key is null ? null : new AuthenticationHeaderValue("Bearer", key));
            return response;
        }

        (await Send("strict", ClientKey)).StatusCode.Should().Be(HttpStatusCode.OK);
        (await Send("down", ClientKey)).StatusCode.Should().Be(HttpStatusCode.BadGateway);
        var wrong = await Send("strict", ClientKey + "x");
        wrong.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        var bodies = await wrong.Content.ReadAsStringAsync();
        var metrics = await router.Http.GetStringAsync(new Uri(router.MetricsUrl, "/metrics"));

        llm.Requests.Should().Contain(r => r.Authorization == "Bearer " + LlmKey);
        logs.Entries.Should().NotBeEmpty();
        foreach (var output in logs.Entries.Select(e => $"{e.Category} {e.Level}: {e.Text}").Concat(logs.Scopes).Append(metrics).Append(bodies))
        {
            output.Should().NotContain("SECRET");
        }
    }
}
