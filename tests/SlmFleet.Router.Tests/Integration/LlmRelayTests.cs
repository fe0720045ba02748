using System.Net;
using System.Text.Json;
using OpenAI.Chat;
using SlmFleet.Router.Shadow;
using SlmFleet.Router.Tests.Infrastructure;
using SlmFleet.Testing;
using SlmFleet.Testing.OpenAi;

namespace SlmFleet.Router.Tests.Integration;

/// <summary>
/// What the client gets back from the LLM side, and what it costs: the usage chunk the router always
/// asks for, the alias as the answer's model, and shadow copies held to the budget. Each stand-in answer
/// costs 10×1000/1e6 + 5×2000/1e6 = 0.02 USD.
/// </summary>
[TestFixture]
public sealed class LlmRelayTests
{
    private OpenAiTestServer _llm = null!;
    private TestRouter _router = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _llm = await OpenAiTestServer.StartAsync();
        var worker = await TinyWorker.AddressAsync();
        var yaml = PolicyYaml.Build(
            worker,
            null,
            // Threshold 1.0: no measured confidence reaches it, so every request ends on the LLM.
            PolicyYaml.Policy("to-llm", "tiny", _llm.BaseUrl, 1.0),
            PolicyYaml.Policy("usage-off", "tiny", _llm.BaseUrl, 1.0),
            PolicyYaml.Policy("shadow-capped", "tiny", _llm.BaseUrl, 0.0, """
                shadow: { enabled: true, sampleRate: 1.0 }
                budget: { monthlyUsd: 0.10, whenExhausted: reject }
            """));
        _router = await TestRouter.StartAsync(yaml);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await _router.DisposeAsync();
        await _llm.DisposeAsync();
    }

    private static string Chat(string model, string text, string extra = "") =>
        $$"""{"model":"{{model}}","messages":[{"role":"user","content":{{JsonSerializer.Serialize(text)}}}],"max_tokens":4{{extra}}}""";

    [Test]
    public async Task Stream_ClientTurnedUsageOff_SpendIsRecordedAndNoUsageChunkReachesTheClient()
    {
        var response = await _router.PostJsonAsync("/v1/chat/completions", Chat("usage-off", "Stream without usage", ""","stream":true,"stream_options":{"include_usage":false}"""));
        var body = await response.Content.ReadAsStringAsync();

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var events = body.Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        events[^1].Should().Be("data: [DONE]");
        var chunks = events[..^1].Select(e => JsonDocument.Parse(e["data: ".Length..]).RootElement).ToList();
        chunks.Should().NotBeEmpty().And.OnlyContain(c => c.GetProperty("choices").GetArrayLength() > 0, "the usage chunk was not asked for");
        chunks.Should().OnlyContain(c => c.GetProperty("model").GetString() == "usage-off");
        var sent = _llm.Requests.Last(r => r.Body.Contains("Stream without usage", StringComparison.Ordinal)).Json;
        sent.GetProperty("stream_options").GetProperty("include_usage").GetBoolean().Should().BeTrue();
        (await _router.MetricAsync("slm_router_llm_spend_usd_total", ("model", "usage-off"))).Should().BeApproximately(0.02, 1e-9);
        (await _router.MetricAsync("slm_router_tokens_total", ("model", "usage-off"), ("route", "llm"), ("kind", "completion"))).Should().Be(5);
    }

    [Test]
    public async Task StreamWithSdk_UsageAsked_ClientGetsUsageAndTheAlias()
    {
        var before = await _router.MetricAsync("slm_router_llm_spend_usd_total", ("model", "to-llm"));
        var text = new System.Text.StringBuilder();
        ChatTokenUsage? usage = null;
        var models = new HashSet<string>();

        // The SDK asks for stream_options.include_usage itself.
        await foreach (var update in _router.ChatClient("to-llm").CompleteChatStreamingAsync([new UserChatMessage("Stream with usage")]))
        {
            models.Add(update.Model);
            usage ??= update.Usage;
            foreach (var part in update.ContentUpdate)
            {
                text.Append(part.Text);
            }
        }

        text.ToString().Should().Be("LLM answer");
        usage.Should().NotBeNull();
        usage!.InputTokenCount.Should().Be(10);
        usage.OutputTokenCount.Should().Be(5);
        models.Should().Equal("to-llm");
        (await _router.MetricAsync("slm_router_llm_spend_usd_total", ("model", "to-llm")) - before).Should().BeApproximately(0.02, 1e-9);
    }

    [Test]
    public async Task ChatWithSdk_LlmAnswer_CarriesTheAliasNotTheUpstreamModel()
    {
        var result = await _router.ChatClient("to-llm").CompleteChatAsync([new UserChatMessage("Which model are you?")], new ChatCompletionOptions { MaxOutputTokenCount = 4 });

        result.Value.Content[0].Text.Should().Be("LLM answer");
        result.Value.Model.Should().Be("to-llm");
        result.GetRawResponse().Content.ToString().Should().NotContain("stand-in");
        result.Value.Usage.TotalTokenCount.Should().Be(15);
    }

    [Test]
    public async Task Shadow_BudgetExhausted_StopsCallingTheLlm()
    {
        var shadows = _router.Services.GetRequiredService<ShadowRunner>();
        int ShadowCalls() => _llm.Requests.Count(r => r.Body.Contains("Shadow under a cap", StringComparison.Ordinal));

        for (var i = 0; i < 8; i++)
        {
            var response = await _router.PostJsonAsync("/v1/chat/completions", Chat("shadow-capped", "Shadow under a cap"));
            response.StatusCode.Should().Be(HttpStatusCode.OK);
            response.Headers.GetValues("x-slmfleet-route").Should().Equal("slm");
            // One at a time: each shadow copy's spend is recorded before the next request samples.
            var sampled = i + 1;
            await Poll.UntilAsync(async () => ShadowCalls() + await _router.MetricAsync("slm_router_shadow_skipped_total", ("model", "shadow-capped")) >= sampled && shadows.InFlight == 0, "the shadow copy to finish or be skipped");
        }

        // 5 copies × 0.02 USD reach the 0.10 USD budget; the last 3 samples are not sent.
        ShadowCalls().Should().Be(5);
        (await _router.MetricAsync("slm_router_shadow_skipped_total", ("model", "shadow-capped"), ("reason", "budget"))).Should().Be(3);
        (await _router.MetricAsync("slm_router_llm_spend_usd_total", ("model", "shadow-capped"))).Should().BeApproximately(0.10, 1e-9);
        (await _router.MetricAsync("slm_router_budget_fraction", ("model", "shadow-capped"))).Should().BeApproximately(1.0, 1e-9);
    }
}
