using System.Net;
using System.Text.Json;

namespace SlmFleet.Router.Tests.Reliability;

/// <summary>
/// The router under the bad-input corpus (<see cref="BadRequestCorpus"/>): every malformed request gets
/// a 4xx with an OpenAI error body naming the field or problem, nothing is answered 5xx, nothing is
/// logged as an unhandled error, and a valid request still succeeds afterwards.
/// </summary>
[TestFixture]
public sealed class BadInputCorpusTests
{
    private ReliableRouter _router = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => _router = await ReliableRouter.StartAsync();

    [OneTimeTearDown]
    public async Task StopAsync() => await _router.DisposeAsync();

    [Test]
    public async Task Corpus_EveryMalformedRequest_Gets4xxNamingTheProblem_AndRouterSurvives()
    {
        // Arrange
        var corpus = BadRequestCorpus.Build(ReliableRouter.Alias, ReliableRouter.MaxBody);
        var failures = new List<string>();
        var answered4xx = 0;
        var openAiBody = 0;

        // Act
        foreach (var request in corpus)
        {
            var problem = await CheckAsync(request);
            if (problem is null)
            {
                answered4xx++;
                openAiBody += request.RefusedByServer ? 0 : 1;
            }
            else
            {
                failures.Add($"[{request.Name}] {problem}");
                TestContext.Out.WriteLine($"FAIL [{request.Name}] {problem}");
            }
        }

        using var after = await _router.ValidAsync();
        var health = await _router.Http.GetStringAsync("/healthz");
        var crashes = _router.Logs.Entries.Count(e => e.Level >= LogLevel.Error);
        TestContext.Out.WriteLine($"RELIABILITY router-bad-inputs tried={corpus.Count} answered4xx={answered4xx} openAiBody={openAiBody} bareKestrel431={answered4xx - openAiBody} failures={failures.Count} errorLogs={crashes}");

        // Assert
        corpus.Count.Should().BeGreaterThanOrEqualTo(200);
        failures.Should().BeEmpty();
        answered4xx.Should().Be(corpus.Count);
        openAiBody.Should().Be(corpus.Count(r => !r.RefusedByServer), "only floods past Kestrel's last-resort limits go without an OpenAI body");
        after.StatusCode.Should().Be(HttpStatusCode.OK, "the router still serves valid requests after the corpus");
        health.Should().Be("ok");
        crashes.Should().Be(0, _router.Logs.AllText);
    }

    [Test]
    public async Task Corpus_SentConcurrently_NoServerErrors()
    {
        // Arrange: the same corpus eight requests at a time, to catch shared-state bugs in the error paths.
        var corpus = BadRequestCorpus.Build(ReliableRouter.Alias, ReliableRouter.MaxBody).Where(r => !r.RefusedByServer).ToArray();
        using var gate = new SemaphoreSlim(8);

        // Act
        var statuses = await Task.WhenAll(corpus.Select(async request =>
        {
            await gate.WaitAsync();
            try
            {
                using var response = await _router.SendAsync(request);
                return (int)response.StatusCode;
            }
            finally
            {
                gate.Release();
            }
        }));
        using var after = await _router.ValidAsync();

        // Assert
        statuses.Should().OnlyContain(s => s >= 400 && s < 500);
        after.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Test]
    public async Task UnknownFieldsAndContentTypes_ValidBody_PassedThroughNotRefused()
    {
        // Arrange: by design the router passes fields it does not read to the LLM untouched (OpenAI adds
        // fields often) and reads the body as JSON whatever the Content-Type says.
        var unknown = BadRequestCorpus.ValidChat(ReliableRouter.Alias);
        unknown["frobnicate"] = 3;
        unknown["logit_bias"] = new System.Text.Json.Nodes.JsonObject { ["50256"] = -100 };
        var plain = new BadRequest("text/plain", BadRequestCorpus.Chat, System.Text.Encoding.UTF8.GetBytes(BadRequestCorpus.ValidChat(ReliableRouter.Alias).ToJsonString()), "text/plain", [], "");
        var task = new BadRequest("odd task type", BadRequestCorpus.Chat, plain.Body, "application/json", [("x-task-type", "../../etc/passwd;DROP TABLE")], "");

        // Act
        using var a = await _router.SendAsync(plain with { Name = "unknown", Body = System.Text.Encoding.UTF8.GetBytes(unknown.ToJsonString()), ContentType = "application/json" });
        using var b = await _router.SendAsync(plain);
        using var c = await _router.SendAsync(task);

        // Assert
        a.StatusCode.Should().Be(HttpStatusCode.OK);
        b.StatusCode.Should().Be(HttpStatusCode.OK);
        c.StatusCode.Should().Be(HttpStatusCode.OK);
        _router.Llm.Requests.Should().Contain(r => r.Body.Contains("frobnicate", StringComparison.Ordinal), "unknown fields reach the LLM untouched");
    }

    private async Task<string?> CheckAsync(BadRequest request)
    {
        HttpResponseMessage response;
        try
        {
            response = await _router.SendAsync(request);
        }
        catch (HttpRequestException ex)
        {
            return $"transport error: {ex.Message}";
        }

        using (response)
        {
            var status = (int)response.StatusCode;
            var text = await response.Content.ReadAsStringAsync();
            if (status != (request.Status ?? 400))
            {
                return $"status {status}, expected {request.Status ?? 400}: {Trim(text)}";
            }

            if (request.RefusedByServer)
            {
                return null;
            }

            if (response.Content.Headers.ContentType?.MediaType != "application/json")
            {
                return $"content type {response.Content.Headers.ContentType}: {Trim(text)}";
            }

            try
            {
                var error = JsonDocument.Parse(text).RootElement.GetProperty("error");
                var message = error.GetProperty("message").GetString() ?? string.Empty;
                var param = error.TryGetProperty("param", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString()! : string.Empty;
                if (string.IsNullOrWhiteSpace(error.GetProperty("type").GetString()))
                {
                    return "error.type is empty";
                }

                if (!message.Contains(request.Expect, StringComparison.OrdinalIgnoreCase) && !param.Contains(request.Expect, StringComparison.OrdinalIgnoreCase))
                {
                    return $"message does not name '{request.Expect}': {Trim(text)}";
                }

                if (message.Contains(BadRequestKeys.Valid, StringComparison.Ordinal) || message.Contains(BadRequestKeys.Llm, StringComparison.Ordinal))
                {
                    return "the error message echoes a secret";
                }
            }
            catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
            {
                return $"not an OpenAI error body ({ex.GetType().Name}): {Trim(text)}";
            }

            return null;
        }
    }

    private static string Trim(string text) => text.Length > 300 ? text[..300] + "…" : text;
}
