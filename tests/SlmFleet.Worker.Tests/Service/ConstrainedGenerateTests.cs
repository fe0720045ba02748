using Grpc.Core;
using SlmFleet.Inference.V1;
using SlmFleet.Worker.Tests.Infrastructure;

namespace SlmFleet.Worker.Tests.Service;

/// <summary>
/// Constrained decoding through the gRPC service on the random-weight qwen2-gqa-fp32 fixture (whose
/// free output is gibberish): every schema of <see cref="SchemaCorpus"/> with several seeds, rows
/// batched together with free and refused requests.
/// </summary>
[TestFixture]
public sealed class ConstrainedGenerateTests
{
    private RunningWorker _worker = null!;

    [OneTimeSetUp]
    public async Task StartWorker()
    {
        var folder = FixtureModels.Folder("qwen2-gqa-fp32");
        _worker = await RunningWorker.StartAsync(o => new() { ModelDirectory = folder, ExecutionProvider = o.ExecutionProvider, WarmupPrompts = o.WarmupPrompts, Seed = 1, LogLevel = o.LogLevel });
    }

    [OneTimeTearDown]
    public async Task StopWorker() => await _worker.DisposeAsync();

    private static GenerateRequest Request(string schema, ulong seed, bool constrained = true)
    {
        var request = new GenerateRequest
        {
            Messages = { new ChatMessage { Role = "user", Content = "Answer in JSON." } },
            MaxNewTokens = 64,
            Sampling = new SamplingParameters { Temperature = 1f, Seed = seed },
        };
        if (constrained)
        {
            request.JsonSchema = schema;
        }

        return request;
    }

    private static string Text(IEnumerable<GenerateResponse> messages) => string.Concat(messages.Select(m => m.Delta));

    [Test]
    public async Task Corpus_ThroughTheWorker_EveryConstrainedAnswerValidates()
    {
        var cases = SchemaCorpus.All.SelectMany(s => new ulong[] { 1, 2, 3 }.Select(seed => (s.Name, s.Schema, Seed: seed))).ToList();
        var failures = new List<string>();
        var freeValid = 0;
        foreach (var chunk in cases.Chunk(8))
        {
            // Constrained and free rows of the same chunk run in one batch.
            var constrained = chunk.Select(c => _worker.GenerateAllAsync(Request(c.Schema, c.Seed))).ToList();
            var free = chunk.Select(c => _worker.GenerateAllAsync(Request(c.Schema, c.Seed, constrained: false))).ToList();
            await Task.WhenAll(constrained.Concat(free));
            for (var i = 0; i < chunk.Length; i++)
            {
                var messages = constrained[i].Result;
                var text = Text(messages);
                if (messages[^1].FinishReason != "stop" || SchemaOracle.Check(chunk[i].Schema, text) is { } why)
                {
                    failures.Add($"{chunk[i].Name} seed {chunk[i].Seed} ({messages[^1].FinishReason}): {text} -> {SchemaOracle.Check(chunk[i].Schema, text)}");
                }

                freeValid += SchemaOracle.Check(chunk[i].Schema, Text(free[i].Result)) is null ? 1 : 0;
            }
        }

        TestContext.Out.WriteLine($"qwen2-gqa-fp32 through gRPC: constrained valid {cases.Count - failures.Count}/{cases.Count}, unconstrained valid {freeValid}/{cases.Count}");
        failures.Should().BeEmpty();
        freeValid.Should().BeLessThan(cases.Count / 10, "the random-weight model's free text is gibberish");
    }

    [Test]
    public async Task Constraint_LogprobsStayTheModels()
    {
        var request = Request(SchemaCorpus.All[0].Schema, 5);
        request.Logprobs = true;
        request.TopLogprobs = 3;

        var messages = await _worker.GenerateAllAsync(request);

        var tokens = messages.SelectMany(m => m.Logprobs).ToList();
        tokens.Should().NotBeEmpty();
        foreach (var token in tokens)
        {
            token.Logprob.Should().BeLessThanOrEqualTo(0f);
            token.TopLogprobs.Select(t => t.Logprob).Should().BeInDescendingOrder();
            // Alternatives and the token share the model's normaliser, so the token is never above the best alternative.
            token.Logprob.Should().BeLessThanOrEqualTo(token.TopLogprobs[0].Logprob + 1e-4f);
        }

        messages[^1].Confidence.MeanTokenProbability.Should().BeInRange(0f, 1f);
    }

    [Test]
    public async Task Constraint_IgnoreEos_StillEndsWhenComplete()
    {
        var request = Request("""{"enum":["yes","no"]}""", 1);
        request.IgnoreEos = true;

        var messages = await _worker.GenerateAllAsync(request);

        messages[^1].FinishReason.Should().Be("stop");
        Text(messages).Should().BeOneOf("\"yes\"", "\"no\"");
    }

    [Test]
    public async Task ChoiceAndJsonObject_ThroughTheWorker()
    {
        var choice = new GenerateRequest { Prompt = "Pick one", MaxNewTokens = 16, Choice = new Choices { Options = { "alpha", "beta", "gamma delta" } }, Sampling = new SamplingParameters { Temperature = 1f, Seed = 3 } };
        var jsonObject = new GenerateRequest { Prompt = "Any JSON", MaxNewTokens = 48, JsonObject = true, Sampling = new SamplingParameters { Temperature = 1f, Seed = 3 } };
        var regex = new GenerateRequest { Prompt = "A code", MaxNewTokens = 16, Regex = "[A-Z]{2}-[0-9]{3}" };

        var results = await Task.WhenAll(_worker.GenerateAllAsync(choice), _worker.GenerateAllAsync(jsonObject), _worker.GenerateAllAsync(regex));

        Text(results[0]).Should().BeOneOf("alpha", "beta", "gamma delta");
        System.Text.Json.JsonDocument.Parse(Text(results[1])).RootElement.ValueKind.Should().Be(System.Text.Json.JsonValueKind.Object);
        Text(results[2]).Should().MatchRegex("^[A-Z]{2}-[0-9]{3}$");
    }

    private static IEnumerable<TestCaseData> Refusals()
    {
        yield return new TestCaseData(new GenerateRequest { JsonSchema = """{"type":"object","not":{"type":"null"}}""" }, "\"not\"").SetName("Refuse_UnsupportedKeyword");
        yield return new TestCaseData(new GenerateRequest { JsonSchema = """{"type":"array","minItems":3,"maxItems":2}""" }, "maxItems").SetName("Refuse_MinItemsAboveMaxItems");
        yield return new TestCaseData(new GenerateRequest { JsonSchema = """{"type":"string","pattern":"^(a)\\1$"}""" }, "back-references").SetName("Refuse_PatternTheEngineRejects");
        yield return new TestCaseData(new GenerateRequest { Regex = "(?=x)y" }, "look-around").SetName("Refuse_BadRegex");
        yield return new TestCaseData(new GenerateRequest { JsonSchema = "{\"type\":\"string\",\"description\":\"" + new string('x', 70_000) + "\"}" }, "at most 65536").SetName("Refuse_SchemaOverSizeLimit");
        yield return new TestCaseData(new GenerateRequest { JsonSchema = """{"type":"object","properties":{"a":{"$ref":"#/$defs/missing"}}}""" }, "$ref").SetName("Refuse_UnresolvedRef");
        yield return new TestCaseData(new GenerateRequest { JsonSchema = """{"type":"object","properties":{"a":false},"required":["a"]}""" }, "false").SetName("Refuse_UnsatisfiableFalseSchema");
        yield return new TestCaseData(new GenerateRequest { JsonSchema = """{"type":"string","format":"hostname"}""" }, "format").SetName("Refuse_UnsupportedFormat");
        yield return new TestCaseData(new GenerateRequest { JsonSchema = "{not json" }, "not valid JSON").SetName("Refuse_SchemaNotJson");
        yield return new TestCaseData(new GenerateRequest { Choice = new Choices() }, "choice").SetName("Refuse_EmptyChoice");
        yield return new TestCaseData(new GenerateRequest { JsonSchema = """{"type":"integer","minimum":5,"maximum":4}""" }, "maximum").SetName("Refuse_EmptyIntegerRange");
    }

    [TestCaseSource(nameof(Refusals))]
    public async Task Refusal_IsInvalidArgumentNamingTheKeyword_OtherRowsUnaffected(GenerateRequest bad, string named)
    {
        bad.Prompt = "x";
        bad.MaxNewTokens = 8;
        var free = _worker.GenerateAllAsync(new GenerateRequest { Prompt = "The order", MaxNewTokens = 12, IgnoreEos = true });
        var good = _worker.GenerateAllAsync(Request(SchemaCorpus.All.Single(s => s.Name == "sentiment").Schema, 9));

        var act = () => _worker.GenerateAllAsync(bad);

        var error = (await act.Should().ThrowAsync<RpcException>()).Which;
        error.StatusCode.Should().Be(StatusCode.InvalidArgument);
        error.Status.Detail.Should().StartWith("constraint").And.Contain(named);
        (await free)[^1].Usage.CompletionTokens.Should().Be(12);
        SchemaOracle.Check(SchemaCorpus.All.Single(s => s.Name == "sentiment").Schema, Text(await good)).Should().BeNull();
    }
}
