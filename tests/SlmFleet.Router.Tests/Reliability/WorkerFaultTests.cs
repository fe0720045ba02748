using System.Net;
using SlmFleet.Router.Tests.Infrastructure;
using SlmFleet.Testing.OpenAi;

namespace SlmFleet.Router.Tests.Reliability;

/// <summary>
/// Workers killed mid-stream behind a real router: a request is retried on another replica or
/// escalated, the client never sees the dead replica's partial output, and each request is answered
/// exactly once (one body, one <c>[DONE]</c>).
/// </summary>
[TestFixture]
public sealed class WorkerFaultTests
{
    private OpenAiTestServer _llm = null!;
    private StubWorker _flaky = null!;
    private StubWorker _flakyStreamed = null!;
    private StubWorker _healthy = null!;
    private StubWorker _deadA = null!;
    private StubWorker _deadB = null!;
    private StubWorker _fullA = null!;
    private StubWorker _fullB = null!;
    private TestRouter _router = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _llm = await OpenAiTestServer.StartAsync();
        _flaky = await StubWorker.StartAsync("flaky");
        _flakyStreamed = await StubWorker.StartAsync("flaky-streamed");
        _healthy = await StubWorker.StartAsync("healthy");
        _deadA = await StubWorker.StartAsync("deadA");
        _deadB = await StubWorker.StartAsync("deadB");
        _deadA.DieOnNext = int.MaxValue;
        _deadB.DieOnNext = int.MaxValue;
        _fullA = await StubWorker.StartAsync("fullA");
        _fullB = await StubWorker.StartAsync("fullB");
        _fullA.Overloaded = true;
        _fullB.Overloaded = true;
        var yaml = $"""
            deployments:
              - name: pair
                endpoints: ["{Url(_flaky)}", "{Url(_healthy)}"]
              - name: pair-streamed
                endpoints: ["{Url(_flakyStreamed)}", "{Url(_healthy)}"]
              - name: dead
                endpoints: ["{Url(_deadA)}", "{Url(_deadB)}"]
              - name: full
                endpoints: ["{Url(_fullA)}", "{Url(_fullB)}"]
            policies:
            {Policy("pair", "pair", true)}
            {Policy("pair-streamed", "pair-streamed", true)}
            {Policy("dead-escalates", "dead", true)}
            {Policy("dead-strict", "dead", false)}
            {Policy("full-strict", "full", false)}
            {Policy("full-escalates", "full", true)}
            """;
        _router = await TestRouter.StartAsync(yaml, (_, dir) =>
        {
            Directory.CreateDirectory(Path.Combine(dir, "secrets", "llm-key"));
            File.WriteAllText(Path.Combine(dir, "secrets", "llm-key", "api-key"), BadRequestKeys.Llm);
        });
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await _router.DisposeAsync();
        foreach (var stub in new[] { _flaky, _flakyStreamed, _healthy, _deadA, _deadB, _fullA, _fullB })
        {
            await stub.DisposeAsync();
        }

        await _llm.DisposeAsync();
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task Request_ReplicaKilledMidStream_RetriedOnOtherReplicaAnsweredOnce(bool stream)
    {
        // Arrange: the flaky replica dies on its next call; ties rotate, so one of two requests meets it.
        // Each case has its own flaky replica: a killed one stays ejected for a while.
        var flaky = stream ? _flakyStreamed : _flaky;
        var alias = stream ? "pair-streamed" : "pair";
        flaky.DieOnNext = 1;
        var killedBefore = flaky.Killed;
        var healthyBefore = _healthy.Calls;
        var bodies = new List<(HttpStatusCode Status, string Route, string Body)>();

        // Act
        for (var i = 0; i < 2; i++)
        {
            using var response = await _router.PostJsonAsync("/v1/chat/completions", Chat(alias, stream));
            bodies.Add((response.StatusCode, TestRouter.Header(response, "x-slmfleet-route"), await response.Content.ReadAsStringAsync()));
        }

        TestContext.Out.WriteLine($"RELIABILITY worker-killed-midstream stream={stream} killed={flaky.Killed - killedBefore} requests=2 answered={bodies.Count(b => b.Status == HttpStatusCode.OK)}");

        // Assert
        (flaky.Killed - killedBefore).Should().Be(1, "one request met the replica as it died");
        bodies.Should().OnlyContain(b => b.Status == HttpStatusCode.OK && b.Route == "slm");
        bodies.Should().OnlyContain(b => b.Body.Contains("healthy", StringComparison.Ordinal), "every answer comes whole from the surviving replica");
        bodies.Should().OnlyContain(b => !b.Body.Contains(StubWorker.Partial, StringComparison.Ordinal), "the dead replica's partial output never reaches the client");
        (_healthy.Calls - healthyBefore).Should().Be(2, "each request was answered exactly once");
        if (stream)
        {
            bodies.Should().OnlyContain(b => Occurrences(b.Body, "data: [DONE]") == 1);
        }
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task Request_EveryReplicaKilled_EscalatedToLlmOnce(bool stream)
    {
        // Arrange
        var llmBefore = _llm.Requests.Count;

        // Act
        using var response = await _router.PostJsonAsync("/v1/chat/completions", Chat("dead-escalates", stream));
        var body = await response.Content.ReadAsStringAsync();

        // Assert
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        TestRouter.Header(response, "x-slmfleet-route").Should().Be("llm");
        TestRouter.Header(response, "x-slmfleet-reason").Should().Be("unavailable");
        body.Should().Contain(stream ? "chat.completion.chunk" : "LLM answer").And.NotContain(StubWorker.Partial);
        (_llm.Requests.Count - llmBefore).Should().Be(1, "escalated once, not once per dead replica");
        if (stream)
        {
            Occurrences(body, "data: [DONE]").Should().Be(1);
        }
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task Request_EveryReplicaKilledEscalationOff_ExplicitErrorNotTruncation(bool stream)
    {
        // Act
        using var response = await _router.PostJsonAsync("/v1/chat/completions", Chat("dead-strict", stream));
        var body = await response.Content.ReadAsStringAsync();

        // Assert: an explicit OpenAI error, never a 200 with a half or empty stream.
        response.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        body.Should().Contain("\"error\"").And.Contain("slm_unavailable").And.NotContain(StubWorker.Partial);
    }

    [Test]
    public async Task Request_EveryReplicaQueueFullEscalationOff_429WithRetryAfter()
    {
        // Act
        using var response = await _router.PostJsonAsync("/v1/chat/completions", Chat("full-strict", false));
        var body = await response.Content.ReadAsStringAsync();

        // Assert: a full fleet is back-pressure (429 + the workers' retry hint), not an outage (503).
        response.StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
        response.Headers.RetryAfter!.Delta.Should().Be(TimeSpan.FromSeconds(2));
        body.Should().Contain("rate_limit_error").And.Contain("slm_overloaded").And.Contain("is at capacity");
    }

    [Test]
    public async Task Request_EveryReplicaQueueFullEscalationOn_AnsweredByTheLlm()
    {
        // Act
        using var response = await _router.PostJsonAsync("/v1/chat/completions", Chat("full-escalates", false));

        // Assert
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        TestRouter.Header(response, "x-slmfleet-route").Should().Be("llm");
        TestRouter.Header(response, "x-slmfleet-reason").Should().Be("unavailable");
    }

    private static string Url(StubWorker stub) => stub.Address.ToString().TrimEnd('/');

    private string Policy(string alias, string deployment, bool escalate) => $"""
          - modelAlias: {alias}
            slm:
              deploymentRef: {"{"} name: {deployment} {"}"}
              timeoutMilliseconds: 30000
            llm:
              baseUrl: "{_llm.BaseUrl}"
              model: big-llm
              apiKeySecretRef: {"{"} name: llm-key {"}"}
              inputPricePerMillionTokens: 1
              outputPricePerMillionTokens: 2
            escalation:
              confidenceThreshold: 0.5
              onUnavailable: {(escalate ? "true" : "false")}
        """;

    private static string Chat(string model, bool stream) =>
        $$"""{"model":"{{model}}","messages":[{"role":"user","content":"hello"}],"max_tokens":8,"stream":{{(stream ? "true" : "false")}}}""";

    private static int Occurrences(string text, string what)
    {
        var count = 0;
        for (var at = text.IndexOf(what, StringComparison.Ordinal); at >= 0; at = text.IndexOf(what, at + what.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
