using System.Net;
using System.Text.Json;
using OpenAI.Chat;
using SlmFleet.Router.Tests.Infrastructure;
using SlmFleet.Testing.OpenAi;

namespace SlmFleet.Router.Tests.Integration;

/// <summary>
/// What a request needs against what the SLM can do, through the real router, the real worker on the
/// tiny model (context 512) and the official OpenAI SDK: what the worker can do it does (n, logprobs
/// with top_logprobs), the rest goes to the LLM with reason <c>unsupported</c> and the body unchanged,
/// and a served model (no policy, nothing to escalate to) refuses it with a 400 naming the field.
/// </summary>
[TestFixture]
public sealed class CapabilityRoutingTests
{
    private const string Weather = """[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}]""";

    private OpenAiTestServer _llm = null!;
    private TestRouter _router = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _llm = await OpenAiTestServer.StartAsync();
        var worker = await TinyWorker.AddressAsync();
        var yaml = PolicyYaml.Build(worker, null, PolicyYaml.Policy("fleet", "tiny", _llm.BaseUrl, 0.0));
        _router = await TestRouter.StartAsync(yaml, TestRouter.WithLlmKey);
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await _router.DisposeAsync();
        await _llm.DisposeAsync();
    }

    private static IEnumerable<TestCaseData> LlmOnlyRequests()
    {
        yield return new TestCaseData($$"""{"model":"fleet","messages":[{"role":"user","content":"Weather in Paris?"}],"tools":{{Weather}},"tool_choice":"required"}""", "tools").SetName("Tools_RequiredToolChoice_GoesToLlm");
        yield return new TestCaseData($$$"""{"model":"fleet","messages":[{"role":"user","content":"Weather in Paris?"},{"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]},{"role":"tool","tool_call_id":"call_1","content":"18 C, sunny"}],"tools":{{{Weather}}}}""", "tools").SetName("ToolResultTurn_GoesToLlm");
        yield return new TestCaseData("""{"model":"fleet","messages":[{"role":"user","content":[{"type":"text","text":"What is in this picture?"},{"type":"image_url","image_url":{"url":"https://example.com/cat.png"}}]}]}""", "non_text_content").SetName("ImagePart_GoesToLlm");
        yield return new TestCaseData("""{"model":"fleet","messages":[{"role":"user","content":"Write an essay."}],"max_tokens":2000}""", "context").SetName("MaxTokensOverTheSlmContext_GoesToLlm");
        yield return new TestCaseData("""{"model":"fleet","messages":[{"role":"user","content":"Say hi"}],"logit_bias":{"50256":-100}}""", "logit_bias").SetName("LogitBias_GoesToLlm");
        yield return new TestCaseData("""{"model":"fleet","messages":[{"role":"user","content":"JSON please"}],"response_format":{"type":"json_schema","json_schema":{"name":"x","schema":{"type":"object","not":{"type":"null"}}}}}""", "schema").SetName("SchemaTheWorkerCannotCompile_GoesToLlm");
        yield return new TestCaseData("""{"model":"fleet","messages":[{"role":"user","content":"Say hi"}],"presence_penalty":0.5}""", "penalties").SetName("PresencePenalty_GoesToLlm");
        yield return new TestCaseData("""{"model":"fleet","messages":[{"role":"user","content":"Say hi"}],"modalities":["text","audio"],"audio":{"voice":"alloy","format":"wav"}}""", "audio").SetName("AudioOutput_GoesToLlm");
    }

    [TestCaseSource(nameof(LlmOnlyRequests))]
    public async Task Unsupported_RoutesToLlmWithReasonAndTheBodyUnchanged(string body, string feature)
    {
        var before = await _router.MetricAsync("slm_router_unsupported_total", ("model", "fleet"), ("feature", feature));

        var response = await _router.PostJsonAsync("/v1/chat/completions", body);

        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        TestRouter.Header(response, "x-slmfleet-route").Should().Be("llm");
        TestRouter.Header(response, "x-slmfleet-reason").Should().Be("unsupported");
        TestRouter.Header(response, "x-slmfleet-unsupported").Should().Be(feature);
        (await _router.MetricAsync("slm_router_unsupported_total", ("model", "fleet"), ("feature", feature)) - before).Should().Be(1);
        // Every field and content part reaches the LLM as the client sent it; only the model is the LLM's.
        var sent = JsonDocument.Parse(_llm.Requests.Last().Body).RootElement;
        var original = JsonDocument.Parse(body).RootElement;
        foreach (var property in original.EnumerateObject().Where(p => p.Name != "model"))
        {
            sent.GetProperty(property.Name).GetRawText().Should().Be(property.Value.GetRawText(), $"'{property.Name}' must reach the LLM unchanged");
        }

        sent.GetProperty("model").GetString().Should().Be("big-llm");
    }

    [Test]
    public async Task Unsupported_IsNotCountedAsAnEscalation()
    {
        var before = await _router.MetricAsync("slm_router_escalations_total", ("model", "fleet"));

        await _router.PostJsonAsync("/v1/chat/completions", $$"""{"model":"fleet","messages":[{"role":"user","content":"Weather?"}],"tools":{{Weather}}}""");

        (await _router.MetricAsync("slm_router_escalations_total", ("model", "fleet"))).Should().Be(before);
        (await _router.MetricAsync("slm_router_requests_total", ("model", "fleet"), ("reason", "unsupported"))).Should().BeGreaterThanOrEqualTo(1);
    }

    [Test]
    public async Task SchemaTheWorkerCannotCompile_Streamed_GoesToLlm()
    {
        var response = await _router.PostJsonAsync("/v1/chat/completions", """{"model":"fleet","stream":true,"messages":[{"role":"user","content":"JSON"}],"response_format":{"type":"json_schema","json_schema":{"name":"x","schema":{"type":"string","format":"hostname"}}}}""");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        TestRouter.Header(response, "x-slmfleet-route").Should().Be("llm");
        TestRouter.Header(response, "x-slmfleet-unsupported").Should().Be("schema");
    }

    [Test]
    public async Task JsonSchema_PassedToTheWorker_AnswerValidatesAndStreamsLive()
    {
        const string Format = """{"type":"json_schema","json_schema":{"name":"ticket","schema":{"type":"object","properties":{"label":{"enum":["billing","tech"]},"urgent":{"type":"boolean"}},"required":["label","urgent"],"additionalProperties":false}}}""";

        var held = await _router.PostJsonAsync("/v1/chat/completions", $$"""{"model":"fleet","messages":[{"role":"user","content":"Classify"}],"max_tokens":40,"temperature":1.0,"seed":3,"response_format":{{Format}}}""");
        var streamed = await _router.PostJsonAsync("/v1/chat/completions", $$"""{"model":"fleet","stream":true,"messages":[{"role":"user","content":"Classify"}],"max_tokens":40,"temperature":1.0,"seed":4,"response_format":{{Format}}}""");

        held.StatusCode.Should().Be(HttpStatusCode.OK, await held.Content.ReadAsStringAsync());
        TestRouter.Header(held, "x-slmfleet-route").Should().Be("slm");
        var content = JsonDocument.Parse(await held.Content.ReadAsStringAsync()).RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString()!;
        JsonDocument.Parse(content).RootElement.GetProperty("label").GetString().Should().BeOneOf("billing", "tech");
        TestRouter.Header(streamed, "x-slmfleet-route").Should().Be("slm");
        var deltas = (await streamed.Content.ReadAsStringAsync()).Split('\n')
            .Where(l => l.StartsWith("data: {", StringComparison.Ordinal))
            .Select(l => JsonDocument.Parse(l[6..]).RootElement.GetProperty("choices"))
            .Where(c => c.GetArrayLength() > 0 && c[0].GetProperty("delta").TryGetProperty("content", out var part) && part.GetString() is { Length: > 0 })
            .Select(c => c[0].GetProperty("delta").GetProperty("content").GetString()!)
            .ToList();
        deltas.Should().HaveCountGreaterThan(1, "a schema-bound answer streams token by token rather than in one piece at the end");
        JsonDocument.Parse(string.Concat(deltas)).RootElement.GetProperty("urgent").ValueKind.Should().BeOneOf(JsonValueKind.True, JsonValueKind.False);
    }

    [Test]
    public async Task ToolsWithToolChoiceNone_StaysOnTheSlm()
    {
        var response = await _router.PostJsonAsync("/v1/chat/completions", $$"""{"model":"fleet","messages":[{"role":"user","content":"Say hi"}],"tools":{{Weather}},"tool_choice":"none","max_tokens":4}""");

        TestRouter.Header(response, "x-slmfleet-route").Should().Be("slm");
    }

    [TestCase("""{"model":"tiny-direct","messages":[{"role":"user","content":"Weather?"}],"tools":[{"type":"function","function":{"name":"f"}}]}""", "tools", "unsupported_parameter")]
    [TestCase("""{"model":"tiny-direct","messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"x"}}]}]}""", "messages[0].content", "unsupported_parameter")]
    [TestCase("""{"model":"tiny-direct","messages":[{"role":"user","content":"Write an essay."}],"max_tokens":2000}""", "messages", "context_length_exceeded")]
    [TestCase("""{"model":"tiny-direct","messages":[{"role":"user","content":"JSON"}],"response_format":{"type":"json_schema","json_schema":{"name":"x","schema":{"type":"array","minItems":3,"maxItems":1}}}}""", "response_format", "unsupported_schema")]
    public async Task DirectModel_Unsupported_400NamingTheField(string body, string param, string code)
    {
        var response = await _router.PostJsonAsync("/v1/chat/completions", body);

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error");
        error.GetProperty("param").GetString().Should().Be(param);
        error.GetProperty("code").GetString().Should().Be(code);
    }

    [Test]
    public async Task N_ThreeChoicesFromTheWorker_WithSummedCompletionUsage()
    {
        var response = await _router.PostJsonAsync("/v1/chat/completions", """{"model":"fleet","messages":[{"role":"user","content":"Name a colour"}],"n":3,"max_tokens":5,"temperature":1.0,"seed":11}""");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        TestRouter.Header(response, "x-slmfleet-route").Should().Be("slm");
        var root = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        var choices = root.GetProperty("choices").EnumerateArray().ToList();
        choices.Select(c => c.GetProperty("index").GetInt32()).Should().Equal(0, 1, 2);
        var completion = root.GetProperty("usage").GetProperty("completion_tokens").GetInt32();
        completion.Should().BeInRange(3, 15, "three choices of one to five tokens each");
        // Each choice has its own seed, so sampled choices are not all the same text.
        choices.Select(c => c.GetProperty("message").GetProperty("content").GetString()).Distinct().Should().HaveCountGreaterThan(1);
    }

    [Test]
    public async Task N_Streamed_EveryChoiceArrivesWithItsIndexAndFinish()
    {
        var finished = new HashSet<int>();
        var text = new Dictionary<int, string>();
        var response = await _router.Http.SendAsync(
            new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = new StringContent("""{"model":"fleet","messages":[{"role":"user","content":"Hi"}],"n":2,"max_tokens":6,"stream":true}""", System.Text.Encoding.UTF8, "application/json") },
            HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        while (await reader.ReadLineAsync() is { } line)
        {
            if (!line.StartsWith("data: {", StringComparison.Ordinal))
            {
                continue;
            }

            foreach (var choice in JsonDocument.Parse(line[6..]).RootElement.GetProperty("choices").EnumerateArray())
            {
                var index = choice.GetProperty("index").GetInt32();
                if (choice.GetProperty("delta").TryGetProperty("content", out var content))
                {
                    text[index] = text.GetValueOrDefault(index, string.Empty) + content.GetString();
                }

                if (choice.GetProperty("finish_reason").ValueKind == JsonValueKind.String)
                {
                    finished.Add(index);
                }
            }
        }

        finished.Should().BeEquivalentTo([0, 1]);
        // Greedy: both choices are the same answer, streamed separately.
        text[0].Should().Be(text[1]);
    }

    [Test]
    public async Task Logprobs_WithSdk_OnePerTokenWithTopAlternativesFromTheWorker()
    {
        var result = await _router.ChatClient("fleet").CompleteChatAsync(
            [new UserChatMessage("Hello there")],
            new ChatCompletionOptions { MaxOutputTokenCount = 6, IncludeLogProbabilities = true, TopLogProbabilityCount = 3 });

        var tokens = result.Value.ContentTokenLogProbabilities;
        tokens.Should().HaveCount(result.Value.Usage.OutputTokenCount - (result.Value.FinishReason == ChatFinishReason.Stop ? 1 : 0));
        foreach (var token in tokens)
        {
            token.LogProbability.Should().BeLessThanOrEqualTo(0);
            token.TopLogProbabilities.Should().HaveCount(3);
            // Greedy: the chosen token is the most likely one.
            token.TopLogProbabilities[0].LogProbability.Should().BeApproximately(token.LogProbability, 1e-4f);
            token.Utf8Bytes!.Value.ToArray().Should().Equal(System.Text.Encoding.UTF8.GetBytes(token.Token));
        }

        // The random-weight model can emit a token that is part of a character: its string is U+FFFD
        // while the answer's text holds the bytes until the character completes. Otherwise they agree.
        if (!tokens.Any(t => t.Token.Contains('\uFFFD', StringComparison.Ordinal)))
        {
            string.Concat(tokens.Select(t => t.Token)).Should().Be(result.Value.Content[0].Text);
        }
    }

    [Test]
    public async Task Logprobs_Completions_ParallelListsAsOpenAiShapesThem()
    {
        var response = await _router.PostJsonAsync("/v1/completions", """{"model":"fleet","prompt":"Once upon a time","max_tokens":4,"logprobs":2}""");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var choice = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("choices")[0];
        var logprobs = choice.GetProperty("logprobs");
        var tokens = logprobs.GetProperty("tokens").EnumerateArray().Select(t => t.GetString()).ToList();
        logprobs.GetProperty("token_logprobs").GetArrayLength().Should().Be(tokens.Count);
        logprobs.GetProperty("top_logprobs").EnumerateArray().Should().OnlyContain(t => t.EnumerateObject().Count() >= 1 && t.EnumerateObject().Count() <= 2);
        logprobs.GetProperty("text_offset")[0].GetInt32().Should().Be(0);
        if (!tokens.Any(t => t!.Contains('\uFFFD', StringComparison.Ordinal)))
        {
            string.Concat(tokens).Should().Be(choice.GetProperty("text").GetString());
        }
    }
}
