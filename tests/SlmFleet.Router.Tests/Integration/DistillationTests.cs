using System.Text.Json;
using SlmFleet.Router.Tests.Infrastructure;
using SlmFleet.Testing;
using SlmFleet.Testing.OpenAi;

namespace SlmFleet.Router.Tests.Integration;

/// <summary>
/// The distillation set through the real router, the real worker and the LLM stand-in: escalated
/// requests land as OpenAI fine-tuning lines with their metadata beside them, redacted before writing.
/// </summary>
[TestFixture]
public sealed class DistillationTests
{
    private OpenAiTestServer _llm = null!;
    private TestRouter _router = null!;
    private string _directory = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _llm = await OpenAiTestServer.StartAsync();
        _llm.Answer = _ => "Your parcel ships tomorrow; we wrote to jane.doe@example.com.";
        var worker = await TinyWorker.AddressAsync();
        var yaml = PolicyYaml.Build(
            worker,
            null,
            PolicyYaml.Policy("distilled", "tiny", _llm.BaseUrl, 0.99, """
                    distillation:
                      enabled: true
                      redact:
                        - { name: email, pattern: '[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}', replacement: '<email>' }
                        - { name: order, pattern: 'ORD-\d+' }
                """));
        _router = await TestRouter.StartAsync(yaml, (options, dir) =>
        {
            TestRouter.WriteLlmKey(dir);
            _directory = Path.Combine(dir, "distillation");
            options.DistillationDir = _directory;
        });
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await _router.DisposeAsync();
        await _llm.DisposeAsync();
    }

    [Test]
    public async Task Escalation_WrittenAsAFineTuningLineWithMetadata_Redacted()
    {
        var body = """{"model":"distilled","messages":[{"role":"system","content":"You are support."},{"role":"user","content":"Where is ORD-123456? Mail me at john@example.org"}],"max_tokens":4}""";

        var response = await _router.PostJsonAsync("/v1/chat/completions", body, h => h.Authorization = new("Bearer", "sk-client-secret-never-recorded"));

        response.Headers.GetValues("x-slmfleet-reason").Should().Equal("low_confidence");
        await Poll.UntilAsync(async () => await _router.MetricAsync("slm_router_distillation_records_total", ("model", "distilled")) >= 1, "the record to be written");
        var folder = Path.Combine(_directory, "distilled");
        var training = Directory.GetFiles(folder, "*.jsonl").Single(f => !f.EndsWith(".meta.jsonl", StringComparison.Ordinal));
        var line = File.ReadAllLines(training).Should().ContainSingle().Subject;
        var messages = JsonDocument.Parse(line).RootElement.GetProperty("messages").EnumerateArray().ToList();
        messages.Select(m => m.GetProperty("role").GetString()).Should().Equal("system", "user", "assistant");
        messages[1].GetProperty("content").GetString().Should().Be("Where is [REDACTED]? Mail me at <email>");
        messages[2].GetProperty("content").GetString().Should().Be("Your parcel ships tomorrow; we wrote to <email>.");
        JsonDocument.Parse(line).RootElement.EnumerateObject().Select(p => p.Name).Should().Equal(["messages"], "the file is OpenAI's fine-tuning format and nothing else");

        var meta = JsonDocument.Parse(File.ReadAllLines(training.Replace(".jsonl", ".meta.jsonl", StringComparison.Ordinal)).Single()).RootElement;
        meta.GetProperty("reason").GetString().Should().Be("low_confidence");
        meta.GetProperty("model").GetString().Should().Be("distilled");
        meta.GetProperty("confidence").GetDouble().Should().BeInRange(0, 0.99);
        meta.TryGetProperty("slm_answer", out _).Should().BeTrue();
        var everything = string.Concat(Directory.GetFiles(folder).Select(File.ReadAllText));
        everything.Should().NotContain("sk-client-secret").And.NotContain("sk-test-llm-secret").And.NotContain("john@example.org").And.NotContain("ORD-123456");
    }

    [Test]
    public async Task StreamedEscalation_CountedAsDropped_NotLostSilently()
    {
        var before = await _router.MetricAsync("slm_router_distillation_dropped_total", ("model", "distilled"), ("reason", "streamed"));

        var response = await _router.PostJsonAsync("/v1/chat/completions", """{"model":"distilled","messages":[{"role":"user","content":"Hello"}],"max_tokens":4,"stream":true,"response_format":{"type":"json_object"}}""");
        await response.Content.ReadAsStringAsync();

        (await _router.MetricAsync("slm_router_distillation_dropped_total", ("model", "distilled"), ("reason", "streamed"))).Should().Be(before + 1);
    }

    [Test]
    public async Task RedactionThatDoesNotCompile_RouterRefusesThePolicyNamingTheField()
    {
        var yaml = PolicyYaml.Build(new Uri("http://127.0.0.1:9"), null, PolicyYaml.Policy("broken", "tiny", _llm.BaseUrl, 0.5, """
                distillation:
                  enabled: true
                  redact: [{ name: bad, pattern: '(unclosed' }]
            """));

        var start = async () => await TestRouter.StartAsync(yaml);

        (await start.Should().ThrowAsync<InvalidDataException>()).Which.Message.Should().Contain("distillation.redact[0].pattern").And.Contain("bad");
    }
}
