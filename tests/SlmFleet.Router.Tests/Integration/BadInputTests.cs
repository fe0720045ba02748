using System.Net;
using System.Text.Json;
using SlmFleet.Router.Tests.Infrastructure;
using SlmFleet.Testing.OpenAi;

namespace SlmFleet.Router.Tests.Integration;

/// <summary>Bad input gets the right 4xx with an OpenAI error body naming the problem; the router keeps serving.</summary>
[TestFixture]
public sealed class BadInputTests
{
    private const string ClientKey = "client-key-0123456789";
    private OpenAiTestServer _llm = null!;
    private TestRouter _router = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _llm = await OpenAiTestServer.StartAsync();
        var worker = await TinyWorker.AddressAsync();
        _router = await TestRouter.StartAsync(PolicyYaml.Build(worker, null, PolicyYaml.Policy("fleet", "tiny", _llm.BaseUrl, 0.0)), (options, dir) =>
        {
            var keys = Path.Combine(dir, "client-keys");
            File.WriteAllText(keys, "# one key per line\nother-key-abcdef\n" + ClientKey + "\n");
            options.ClientKeysFile = keys;
            options.MaxRequestBodyBytes = 64 * 1024;
        });
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await _router.DisposeAsync();
        await _llm.DisposeAsync();
    }

    private Task<HttpResponseMessage> Post(string body, string? key = ClientKey, string path = "/v1/chat/completions") =>
        _router.PostJsonAsync(path, body, h =>
        {
            if (key is not null)
            {
                h.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
            }
        });

    private static async Task<JsonElement> ErrorOf(HttpResponseMessage response)
    {
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        var error = body.GetProperty("error");
        error.GetProperty("message").GetString().Should().NotBeNullOrWhiteSpace();
        error.GetProperty("type").GetString().Should().NotBeNullOrWhiteSpace();
        error.TryGetProperty("param", out _).Should().BeTrue();
        error.TryGetProperty("code", out _).Should().BeTrue();
        return error;
    }

    [TestCase("{not json", HttpStatusCode.BadRequest, "invalid_json", null)]
    [TestCase("""{"model":"nope","messages":[{"role":"user","content":"hi"}]}""", HttpStatusCode.NotFound, "model_not_found", "model")]
    [TestCase("""{"messages":[{"role":"user","content":"hi"}]}""", HttpStatusCode.BadRequest, "missing_required_parameter", "model")]
    [TestCase("""{"model":"fleet"}""", HttpStatusCode.BadRequest, "missing_required_parameter", "messages")]
    [TestCase("""{"model":"fleet","messages":[]}""", HttpStatusCode.BadRequest, "missing_required_parameter", "messages")]
    [TestCase("""{"model":"fleet","messages":[{"role":"user","content":"hi"}],"max_tokens":-5}""", HttpStatusCode.BadRequest, "invalid_value", "max_tokens")]
    [TestCase("""{"model":"fleet","messages":[{"role":"user","content":"hi"}],"max_tokens":"ten"}""", HttpStatusCode.BadRequest, "invalid_json", "max_tokens")]
    [TestCase("""{"model":"fleet","messages":[{"role":"wizard","content":"hi"}]}""", HttpStatusCode.BadRequest, "invalid_value", "messages[0].role")]
    [TestCase("""{"model":"fleet","messages":[{"role":"user","content":42}]}""", HttpStatusCode.BadRequest, "invalid_json", "messages[0].content")]
    [TestCase("""{"model":"fleet","messages":[{"role":"user","content":"hi"}],"temperature":7}""", HttpStatusCode.BadRequest, "invalid_value", "temperature")]
    [TestCase("""{"model":"fleet","messages":[{"role":"user","content":"hi"}],"response_format":{"type":"xml"}}""", HttpStatusCode.BadRequest, "invalid_value", "response_format.type")]
    [TestCase("""{"model":"fleet","messages":[{"role":"user","content":"hi"}],"metadata":{"labels":"only-one"}}""", HttpStatusCode.BadRequest, "invalid_value", "metadata.labels")]
    [TestCase("""[1,2,3]""", HttpStatusCode.BadRequest, "invalid_json", null)]
    [TestCase("null", HttpStatusCode.BadRequest, "invalid_json", null)]
    public async Task Post_BadBody_RightStatusAndOpenAiError(string body, HttpStatusCode status, string code, string? param)
    {
        var response = await Post(body);

        response.StatusCode.Should().Be(status);
        var error = await ErrorOf(response);
        error.GetProperty("code").GetString().Should().Be(code);
        if (param is not null)
        {
            error.GetProperty("param").GetString().Should().Be(param);
        }
    }

    [Test]
    public async Task Post_OversizedBody_413()
    {
        var huge = $$"""{"model":"fleet","messages":[{"role":"user","content":"{{new string('x', 100_000)}}"}]}""";

        var response = await Post(huge);

        response.StatusCode.Should().Be(HttpStatusCode.RequestEntityTooLarge);
        (await ErrorOf(response)).GetProperty("code").GetString().Should().Be("request_too_large");
    }

    [Test]
    public async Task Post_NoKey_401()
    {
        var response = await Post("""{"model":"fleet","messages":[{"role":"user","content":"hi"}]}""", key: null);

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await ErrorOf(response)).GetProperty("type").GetString().Should().Be("authentication_error");
    }

    [Test]
    public async Task Post_WrongKey_401()
    {
        var response = await Post("""{"model":"fleet","messages":[{"role":"user","content":"hi"}]}""", key: "client-key-0123456788");

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await ErrorOf(response)).GetProperty("code").GetString().Should().Be("invalid_api_key");
    }

    [Test]
    public async Task Post_ValidKey_Served()
    {
        var response = await Post("""{"model":"fleet","messages":[{"role":"user","content":"hi"}],"max_tokens":4}""");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Test]
    public async Task Corpus_MalformedRequests_All4xxWithErrorBodyAndRouterSurvives()
    {
        var corpus = BadRequestCorpus.Generate(seed: 1234).ToList();
        corpus.Count.Should().BeGreaterThanOrEqualTo(200);
        var failures = new List<string>();

        foreach (var (name, bytes) in corpus)
        {
            using var content = new ByteArrayContent(bytes);
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = content };
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", ClientKey);
            using var response = await _router.Http.SendAsync(request);
            var status = (int)response.StatusCode;
            var text = await response.Content.ReadAsStringAsync();
            if (status is < 400 or >= 500 || !text.Contains("\"error\"", StringComparison.Ordinal))
            {
                failures.Add($"{name}: {status} {text[..Math.Min(120, text.Length)]}");
            }
        }

        failures.Should().BeEmpty();
        var healthy = await Post("""{"model":"fleet","messages":[{"role":"user","content":"still alive?"}],"max_tokens":2}""");
        healthy.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Test]
    public async Task RateLimit_BurstExceeded_429WithRetryAfter()
    {
        var worker = await TinyWorker.AddressAsync();
        await using var limited = await TestRouter.StartAsync(PolicyYaml.Build(worker, null, PolicyYaml.Policy("fleet", "tiny", _llm.BaseUrl, 0.0)), (options, _) =>
        {
            options.RateLimitPerSecond = 0.01;
            options.RateLimitBurst = 2;
        });
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? last = null;
        for (var i = 0; i < 4; i++)
        {
            last = await limited.PostJsonAsync("/v1/chat/completions", """{"model":"fleet","messages":[{"role":"user","content":"hi"}],"max_tokens":2}""");
            statuses.Add(last.StatusCode);
        }

        statuses.Take(2).Should().AllBeEquivalentTo(HttpStatusCode.OK);
        statuses[3].Should().Be(HttpStatusCode.TooManyRequests);
        last!.Headers.RetryAfter.Should().NotBeNull();
        (await ErrorOf(last)).GetProperty("code").GetString().Should().Be("rate_limit_exceeded");
    }
}
