using System.Net;

namespace SlmFleet.Router.Tests.Reliability;

/// <summary>
/// The LLM side of a streamed answer drops its connection after two chunks: the client must be told
/// (an error status with an OpenAI error body, a transport error, or an error event), never see a
/// stream that ends like a complete one. The same holds when the LLM closes the stream cleanly but
/// without its final <c>[DONE]</c>.
/// </summary>
[TestFixture]
public sealed class LlmStreamFaultTests
{
    [TestCase(false)]
    [TestCase(true)]
    public async Task Stream_LlmStopsAfterTwoChunks_ClientSeesAnExplicitError(bool endCleanly)
    {
        // Arrange
        await using var llm = await DyingLlm.StartAsync();
        llm.EndCleanly = endCleanly;
        var yaml = $"""
            deployments:
              - name: empty
                endpoints: []
            policies:
              - modelAlias: to-llm
                slm:
                  deploymentRef: {"{"} name: empty {"}"}
                llm:
                  baseUrl: "{llm.BaseUrl}"
                  model: big-llm
                  apiKeySecretRef: {"{"} name: llm-key {"}"}
            """;
        await using var router = await Infrastructure.TestRouter.StartAsync(yaml, (_, dir) =>
        {
            Directory.CreateDirectory(Path.Combine(dir, "secrets", "llm-key"));
            File.WriteAllText(Path.Combine(dir, "secrets", "llm-key", "api-key"), BadRequestKeys.Llm);
        });

        // Act
        string body;
        Exception? transport = null;
        HttpStatusCode status;
        using (var response = await router.PostJsonAsync("/v1/chat/completions", """{"model":"to-llm","messages":[{"role":"user","content":"hi"}],"stream":true}"""))
        {
            status = response.StatusCode;
            try
            {
                body = await response.Content.ReadAsStringAsync();
            }
            catch (HttpRequestException e)
            {
                transport = e;
                body = string.Empty;
            }
        }

        TestContext.Out.WriteLine($"RELIABILITY llm-cut-midstream endCleanly={endCleanly} status={(int)status} transportError={transport?.GetType().Name ?? "none"}");

        // Assert
        (transport is not null || body.Contains("\"error\"", StringComparison.Ordinal)).Should().BeTrue($"a cut stream must not end like a complete one; got {(int)status}: {body}");
        body.Should().NotContain("[DONE]");
        body.Should().Contain(status == HttpStatusCode.OK ? "llm_stream_interrupted" : "llm_unavailable");
    }
}
