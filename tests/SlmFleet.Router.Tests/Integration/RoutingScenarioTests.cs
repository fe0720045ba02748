using System.Net;
using System.Text.Json;
using OpenAI.Chat;
using SlmFleet.Router.Tests.Infrastructure;
using SlmFleet.Testing;
using SlmFleet.Testing.OpenAi;

namespace SlmFleet.Router.Tests.Integration;

/// <summary>
/// The real router, a real worker on the tiny model and the OpenAI stand-in as the LLM. Clients are
/// the official OpenAI .NET SDK (for chat and streaming) and plain HTTP (to see the routing headers).
/// The tiny model's weights are random, so its token probabilities are low: threshold 0 makes the SLM
/// answer, threshold 0.99 (1.0 for classification) makes it escalate.
/// </summary>
[TestFixture]
public sealed class RoutingScenarioTests
{
    private OpenAiTestServer _llm = null!;
    private BlackHole _hole = null!;
    private TestRouter _router = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _llm = await OpenAiTestServer.StartAsync();
        _llm.Answer = body => body.GetRawText().Contains("You grade answers", StringComparison.Ordinal) ? "0.25" : "LLM answer";
        _hole = new BlackHole();
        var worker = await TinyWorker.AddressAsync();
        var yaml = PolicyYaml.Build(
            worker,
            _hole.Address,
            PolicyYaml.Policy("trusting", "tiny", _llm.BaseUrl, 0.0),
            PolicyYaml.Policy("strict", "tiny", _llm.BaseUrl, 0.99),
            PolicyYaml.Policy("certain", "tiny", _llm.BaseUrl, 1.0),
            PolicyYaml.Policy("hung", "hole", _llm.BaseUrl, 0.0, slmTimeoutMs: 300),
            PolicyYaml.Policy("nobody", "empty", _llm.BaseUrl, 0.0),
            PolicyYaml.Policy("ruled", "tiny", _llm.BaseUrl, 0.0, """
                rules:
                  - name: extraction-to-llm
                    match: { taskTypes: [extraction] }
                    target: llm
                  - name: long-prompts
                    match: { minPromptTokens: 2000 }
                    target: llm
            """),
            PolicyYaml.Policy("shadowed", "tiny", _llm.BaseUrl, 0.0, """
                shadow: { enabled: true, sampleRate: 1.0 }
            """),
            PolicyYaml.Policy("judged", "tiny", _llm.BaseUrl, 0.0, """
                shadow: { enabled: true, sampleRate: 1.0, judge: llm }
            """));
        _router = await TestRouter.StartAsync(yaml, TestRouter.WithLlmKey);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await _router.DisposeAsync();
        await _llm.DisposeAsync();
        _hole.Dispose();
    }

    private static string Chat(string model, string text, string extra = "") =>
        $$"""{"model":"{{model}}","messages":[{"role":"user","content":{{JsonSerializer.Serialize(text)}}}],"max_tokens":8{{extra}}}""";

    [Test]
    public async Task ChatWithSdk_ConfidentSlm_AnswersFromSlmWithHeaders()
    {
        var result = await _router.ChatClient("trusting").CompleteChatAsync([new UserChatMessage("Hello there")], new ChatCompletionOptions { MaxOutputTokenCount = 8 });

        var raw = result.GetRawResponse();
        raw.Headers.TryGetValue("x-slmfleet-route", out var route).Should().BeTrue();
        route.Should().Be("slm");
        raw.Headers.TryGetValue("x-slmfleet-reason", out var reason);
        reason.Should().Be("confident");
        raw.Headers.TryGetValue("x-slmfleet-confidence", out var confidence);
        double.Parse(confidence!, System.Globalization.CultureInfo.InvariantCulture).Should().BeInRange(0, 1);
        result.Value.Content.Should().ContainSingle();
        result.Value.Usage.InputTokenCount.Should().BeGreaterThan(0);
        result.Value.Usage.OutputTokenCount.Should().BeInRange(1, 8);
    }

    [Test]
    public async Task StreamWithSdk_ConfidentSlm_YieldsSameTextAsNonStreamed()
    {
        var client = _router.ChatClient("trusting");
        var options = new ChatCompletionOptions { MaxOutputTokenCount = 8 };
        var whole = await client.CompleteChatAsync([new UserChatMessage("Tell me a story")], options);

        var streamed = new System.Text.StringBuilder();
        ChatFinishReason? finish = null;
        await foreach (var update in client.CompleteChatStreamingAsync([new UserChatMessage("Tell me a story")], options))
        {
            foreach (var part in update.ContentUpdate)
            {
                streamed.Append(part.Text);
            }

            finish ??= update.FinishReason;
        }

        // Greedy decoding on the same prompt: the stream carries exactly the non-streamed answer.
        streamed.ToString().Should().Be(whole.Value.Content[0].Text);
        finish.Should().NotBeNull();
    }

    [Test]
    public async Task StreamWithSdk_Escalated_RelaysLlmStream()
    {
        var text = new System.Text.StringBuilder();
        await foreach (var update in _router.ChatClient("strict").CompleteChatStreamingAsync([new UserChatMessage("Stream please")]))
        {
            foreach (var part in update.ContentUpdate)
            {
                text.Append(part.Text);
            }
        }

        text.ToString().Should().Be("LLM answer");
    }

    [Test]
    public async Task Chat_LowConfidence_EscalatesWithReasonAndRewritesModel()
    {
        var response = await _router.PostJsonAsync("/v1/chat/completions", Chat("strict", "Is this fine?", ""","metadata":{"task_type":"faq"}"""));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        TestRouter.Header(response, "x-slmfleet-route").Should().Be("llm");
        TestRouter.Header(response, "x-slmfleet-reason").Should().Be("low_confidence");
        double.Parse(TestRouter.Header(response, "x-slmfleet-confidence"), System.Globalization.CultureInfo.InvariantCulture).Should().BeLessThan(0.99);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        body.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString().Should().Be("LLM answer");
        var sent = _llm.Requests.Last(r => r.Body.Contains("Is this fine?", StringComparison.Ordinal));
        sent.Json.GetProperty("model").GetString().Should().Be("big-llm");
        sent.Json.TryGetProperty("metadata", out _).Should().BeFalse();
        sent.Authorization.Should().Be("Bearer sk-test-llm-secret");
    }

    [Test]
    public async Task Chat_SchemaNotSatisfied_RetriesOnSlmThenEscalatesSchemaFail()
    {
        var before = await _router.MetricAsync("slm_router_slm_confidence_count", ("model", "trusting"));
        var schema = ""","response_format":{"type":"json_schema","json_schema":{"name":"person","schema":{"type":"object","properties":{"age":{"type":"integer"},"name":{"type":"string"}},"required":["age","name"]}}}""";

        var response = await _router.PostJsonAsync("/v1/chat/completions", Chat("trusting", "Extract the person", schema));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        TestRouter.Header(response, "x-slmfleet-route").Should().Be("llm");
        TestRouter.Header(response, "x-slmfleet-reason").Should().Be("schema_fail");
        // Two SLM attempts (the first and one retry) were judged before escalating.
        (await _router.MetricAsync("slm_router_slm_confidence_count", ("model", "trusting")) - before).Should().Be(2);
    }

    [Test]
    public async Task Chat_SlmHangs_EscalatesTimeout()
    {
        var response = await _router.PostJsonAsync("/v1/chat/completions", Chat("hung", "Anyone there?"));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        TestRouter.Header(response, "x-slmfleet-route").Should().Be("llm");
        TestRouter.Header(response, "x-slmfleet-reason").Should().Be("timeout");
    }

    [Test]
    public async Task Chat_NoEndpoints_EscalatesUnavailable()
    {
        var response = await _router.PostJsonAsync("/v1/chat/completions", Chat("nobody", "Hello?"));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        TestRouter.Header(response, "x-slmfleet-route").Should().Be("llm");
        TestRouter.Header(response, "x-slmfleet-reason").Should().Be("unavailable");
        (await _router.MetricAsync("slm_router_escalations_total", ("model", "nobody"), ("reason", "unavailable"))).Should().BeGreaterThanOrEqualTo(1);
    }

    [Test]
    public async Task Chat_TaskTypeRule_GoesToLlmWithRuleName()
    {
        var response = await _router.PostJsonAsync("/v1/chat/completions", Chat("ruled", "Get the invoice number"), h => h.Add("x-task-type", "extraction"));

        TestRouter.Header(response, "x-slmfleet-route").Should().Be("llm");
        TestRouter.Header(response, "x-slmfleet-reason").Should().Be("rule");
        TestRouter.Header(response, "x-slmfleet-rule").Should().Be("extraction-to-llm");
        // A rule route is counted as a request, never as an escalation (the escalation-rate alert reads escalations).
        (await _router.MetricAsync("slm_router_requests_total", ("model", "ruled"), ("route", "llm"), ("reason", "rule"))).Should().BeGreaterThanOrEqualTo(1);
        (await _router.MetricAsync("slm_router_escalations_total", ("model", "ruled"))).Should().Be(0);
    }

    [Test]
    public async Task Chat_NoRuleMatches_UsesDefaultSlm()
    {
        var response = await _router.PostJsonAsync("/v1/chat/completions", Chat("ruled", "Short question"), h => h.Add("x-task-type", "faq"));

        TestRouter.Header(response, "x-slmfleet-route").Should().Be("slm");
        TestRouter.Header(response, "x-slmfleet-reason").Should().Be("confident");
    }

    [Test]
    public async Task Chat_LabelsHeader_ClassifiesOnSlmWithMeasuredConfidence()
    {
        var response = await _router.PostJsonAsync("/v1/chat/completions", Chat("trusting", "I love it"), h => h.Add("x-slmfleet-labels", "positive, negative"));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        TestRouter.Header(response, "x-slmfleet-route").Should().Be("slm");
        double.Parse(TestRouter.Header(response, "x-slmfleet-confidence"), System.Globalization.CultureInfo.InvariantCulture).Should().BeInRange(0.5, 1.0);
        var content = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString();
        content.Should().BeOneOf("positive", "negative");
    }

    [Test]
    public async Task Chat_EnumSchema_ClassifiesAndAnswersSchemaShapedJson()
    {
        var format = ""","response_format":{"type":"json_schema","json_schema":{"name":"sentiment","schema":{"type":"object","properties":{"sentiment":{"type":"string","enum":["pos","neg","neutral"]}},"required":["sentiment"],"additionalProperties":false}}}""";

        var response = await _router.PostJsonAsync("/v1/chat/completions", Chat("trusting", "Great product", format));

        TestRouter.Header(response, "x-slmfleet-route").Should().Be("slm");
        var content = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString()!;
        JsonDocument.Parse(content).RootElement.GetProperty("sentiment").GetString().Should().BeOneOf("pos", "neg", "neutral");
    }

    [Test]
    public async Task Chat_ClassificationBelowThreshold_EscalatesLowConfidence()
    {
        var response = await _router.PostJsonAsync("/v1/chat/completions", Chat("certain", "Meh", ""","metadata":{"labels":"a,b,c"}"""));

        TestRouter.Header(response, "x-slmfleet-route").Should().Be("llm");
        TestRouter.Header(response, "x-slmfleet-reason").Should().Be("low_confidence");
    }

    [Test]
    public async Task Chat_ServedModelName_AnswersDirectlyFromSlm()
    {
        var response = await _router.PostJsonAsync("/v1/chat/completions", Chat("tiny-direct", "Hi"));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        TestRouter.Header(response, "x-slmfleet-route").Should().Be("slm");
        TestRouter.Header(response, "x-slmfleet-reason").Should().Be("direct");
    }

    [Test]
    public async Task Completions_Prompt_AnswersTextCompletion()
    {
        var response = await _router.PostJsonAsync("/v1/completions", """{"model":"trusting","prompt":"Once upon a time","max_tokens":6}""");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        body.GetProperty("object").GetString().Should().Be("text_completion");
        body.GetProperty("choices")[0].TryGetProperty("text", out _).Should().BeTrue();
    }

    [Test]
    public async Task Models_ListsAliasesAndServedNames()
    {
        var body = JsonDocument.Parse(await _router.Http.GetStringAsync("/v1/models")).RootElement;

        var ids = body.GetProperty("data").EnumerateArray().Select(m => m.GetProperty("id").GetString()).ToList();
        ids.Should().Contain(["trusting", "strict", "ruled", "tiny-direct"]);
    }

    [Test]
    public async Task Shadow_SlmAnswer_CopiesToLlmAndRecordsAgreement()
    {
        var response = await _router.PostJsonAsync("/v1/chat/completions", Chat("shadowed", "Shadow me"));

        TestRouter.Header(response, "x-slmfleet-route").Should().Be("slm");
        await Poll.UntilAsync(async () => await _router.MetricAsync("slm_router_shadow_comparisons_total", ("model", "shadowed"), ("method", "overlap")) >= 1, "a shadow comparison");
        _llm.Requests.Should().Contain(r => r.Body.Contains("Shadow me", StringComparison.Ordinal) && r.Body.Contains("\"stream\":false", StringComparison.Ordinal));
        (await _router.MetricAsync("slm_router_llm_spend_usd_total", ("model", "shadowed"))).Should().BeGreaterThan(0);
    }

    [Test]
    public async Task Shadow_LlmJudge_GradesAndCountsJudgeSpend()
    {
        await _router.PostJsonAsync("/v1/chat/completions", Chat("judged", "Judge me"));

        await Poll.UntilAsync(async () => await _router.MetricAsync("slm_router_shadow_comparisons_total", ("model", "judged"), ("method", "judge")) >= 1, "an LLM-judged comparison");
        (await _router.MetricAsync("slm_router_shadow_agreement_sum", ("model", "judged"))).Should().BeApproximately(0.25, 1e-9);
        // Shadow copy + judge call: two LLM calls, each 10 prompt + 5 completion tokens at 1000/2000 USD per million.
        (await _router.MetricAsync("slm_router_llm_spend_usd_total", ("model", "judged"))).Should().BeApproximately(2 * 0.02, 1e-9);
    }

    [Test]
    public async Task Llm429_RetriedByResiliencePipeline_ClientGets200()
    {
        var before = _llm.Requests.Count;
        _llm.FailNext(429, 1);

        var response = await _router.PostJsonAsync("/v1/chat/completions", Chat("ruled", "retry me"), h => h.Add("x-task-type", "extraction"));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        (_llm.Requests.Count - before).Should().Be(2);
    }
}
