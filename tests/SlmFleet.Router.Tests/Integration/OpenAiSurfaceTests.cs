using System.ClientModel;
using System.ClientModel.Primitives;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using OpenAI;
using OpenAI.Embeddings;
using OpenAI.Models;
using SlmFleet.Router.Tests.Infrastructure;
using SlmFleet.Testing.OpenAi;

namespace SlmFleet.Router.Tests.Integration;

/// <summary>
/// The OpenAI endpoints besides chat: models (list and one, behind client keys) and embeddings
/// (forwarded to the policy's embeddings model), driven with the official OpenAI .NET SDK.
/// </summary>
[TestFixture]
public sealed class OpenAiSurfaceTests
{
    private const string ClientKey = "sk-client-surface-0123456789";

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
            PolicyYaml.Policy("embedder", "tiny", _llm.BaseUrl, 0.0).Replace("      model: big-llm\n", "      model: big-llm\n      embeddingsModel: text-embedding-3-small\n", StringComparison.Ordinal),
            PolicyYaml.Policy("chat-only", "tiny", _llm.BaseUrl, 0.0));
        yaml.Should().Contain("embeddingsModel: text-embedding-3-small");
        _router = await TestRouter.StartAsync(yaml, (options, dir) =>
        {
            var keys = Path.Combine(dir, "client-keys");
            File.WriteAllText(keys, ClientKey + "\n");
            options.ClientKeysFile = keys;
        });
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        await _router.DisposeAsync();
        await _llm.DisposeAsync();
    }

    private OpenAIClientOptions SdkOptions => new() { Endpoint = _router.V1, RetryPolicy = new ClientRetryPolicy(0) };

    private async Task<(HttpStatusCode Status, JsonElement Body)> GetAsync(string path, string? key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        using var response = await _router.Http.SendAsync(request);
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    [Test]
    public async Task ModelsWithSdk_ListAndOne_HaveTheOpenAiShape()
    {
        var client = new OpenAIModelClient(new ApiKeyCredential(ClientKey), SdkOptions);

        var list = (await client.GetModelsAsync()).Value;
        var one = (await client.GetModelAsync("embedder")).Value;

        list.Select(m => m.Id).Should().Contain(["embedder", "chat-only", "tiny-direct"]);
        list.Should().OnlyContain(m => m.OwnedBy == "slm-fleet");
        one.Id.Should().Be("embedder");
        var (status, raw) = await GetAsync("/v1/models/chat-only", ClientKey);
        status.Should().Be(HttpStatusCode.OK);
        raw.EnumerateObject().Select(p => p.Name).Should().BeEquivalentTo(["id", "object", "created", "owned_by"]);
        raw.GetProperty("object").GetString().Should().Be("model");
        raw.GetProperty("created").ValueKind.Should().Be(JsonValueKind.Number);
    }

    [Test]
    public async Task ModelById_Unknown_Is404ModelNotFoundNamingKnownModels()
    {
        var (status, body) = await GetAsync("/v1/models/no-such-model", ClientKey);

        status.Should().Be(HttpStatusCode.NotFound);
        var error = body.GetProperty("error");
        error.GetProperty("code").GetString().Should().Be("model_not_found");
        error.GetProperty("param").GetString().Should().Be("model");
        error.GetProperty("message").GetString().Should().Contain("'no-such-model'").And.Contain("embedder");
    }

    [TestCase("/v1/models")]
    [TestCase("/v1/models/embedder")]
    public async Task Models_WithoutOrWithWrongKey_Are401(string path)
    {
        var (missing, missingBody) = await GetAsync(path, null);
        var (wrong, _) = await GetAsync(path, "sk-wrong");

        missing.Should().Be(HttpStatusCode.Unauthorized);
        wrong.Should().Be(HttpStatusCode.Unauthorized);
        missingBody.GetProperty("error").GetProperty("type").GetString().Should().Be("authentication_error");
        missingBody.GetProperty("error").GetProperty("code").GetString().Should().Be("invalid_api_key");
    }

    [Test]
    public async Task EmbeddingsWithSdk_PolicyWithEmbeddingsModel_ForwardsRecordsSpendAndAnswersWithTheAlias()
    {
        var client = new EmbeddingClient("embedder", new ApiKeyCredential(ClientKey), SdkOptions);

        var result = await client.GenerateEmbeddingsAsync(["first text", "second text"]);

        result.Value.Model.Should().Be("embedder");
        result.Value.Should().HaveCount(2);
        result.Value[1].ToFloats().ToArray().Should().Equal(1f, 1.01f, 1.02f, 1.03f);
        var sent = _llm.Requests.Last(r => r.Path == "/v1/embeddings").Json;
        sent.GetProperty("model").GetString().Should().Be("text-embedding-3-small");
        sent.GetProperty("input").GetArrayLength().Should().Be(2);
        // 10 prompt tokens at 1000 USD per million input tokens.
        (await _router.MetricAsync("slm_router_llm_spend_usd_total", ("model", "embedder"))).Should().BeApproximately(0.01, 1e-9);
        (await _router.MetricAsync("slm_router_requests_total", ("model", "embedder"), ("route", "llm"), ("reason", "embeddings"))).Should().Be(1);
    }

    [Test]
    public async Task Embeddings_PolicyWithoutEmbeddingsModel_Is404NamingTheSetting()
    {
        var response = await _router.PostJsonAsync("/v1/embeddings", """{"model":"chat-only","input":"hello"}""", h => h.Authorization = new AuthenticationHeaderValue("Bearer", ClientKey));

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error");
        error.GetProperty("param").GetString().Should().Be("model");
        error.GetProperty("message").GetString().Should().Contain("'chat-only'").And.Contain("spec.llm.embeddingsModel").And.Contain("provider directly");
    }

    [TestCase("""{"model":"embedder"}""", "input")]
    [TestCase("""{"model":"embedder","input":""}""", "input")]
    [TestCase("""{"model":"embedder","input":[]}""", "input")]
    [TestCase("""{"model":"embedder","input":[1,"a"]}""", "input")]
    [TestCase("""{"model":"embedder","input":{"text":"a"}}""", "input")]
    [TestCase("""{"input":"a"}""", "model")]
    [TestCase("""{"model":"embedder","input":"a","encoding_format":"hex"}""", "encoding_format")]
    [TestCase("""{"model":"embedder","input":"a","dimensions":0}""", "dimensions")]
    [TestCase("""{"model":"embedder","input":"a","user":5}""", "user")]
    public async Task Embeddings_BadInput_Is400NamingTheParam(string body, string param)
    {
        var response = await _router.PostJsonAsync("/v1/embeddings", body, h => h.Authorization = new AuthenticationHeaderValue("Bearer", ClientKey));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetProperty("param").GetString().Should().Be(param);
    }

    [Test]
    public async Task Embeddings_WithoutKey_Is401()
    {
        var response = await _router.PostJsonAsync("/v1/embeddings", """{"model":"embedder","input":"a"}""");

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }
}
