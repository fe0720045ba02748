using System.Net;
using System.Net.Http.Headers;
using System.Text;
using SlmFleet.Router.Security;

namespace SlmFleet.Router.Tests.Reliability;

/// <summary>
/// Runs the router's flows with known secret values (a client API key, the LLM API key from its
/// mounted-Secret file) and scans every output: response bodies and headers, every log entry at Trace,
/// and the /metrics text. The secrets must reach only where they belong (the LLM's Authorization header).
/// </summary>
[TestFixture]
public sealed class RouterSecretLeakTests
{
    [Test]
    public async Task Flows_WithKnownSecrets_SecretsAppearInNoLogResponseOrMetric()
    {
        // Arrange
        await using var router = await ReliableRouter.StartAsync();
        var outputs = new StringBuilder();

        async Task Capture(HttpResponseMessage response)
        {
            using (response)
            {
                outputs.Append((int)response.StatusCode).Append(' ').Append(response.Headers).Append(response.Content.Headers);
                outputs.AppendLine(await response.Content.ReadAsStringAsync());
            }
        }

        // Act: answered requests, a stream, LLM failures (retried, then surfaced), and auth failures
        // presenting near-miss keys.
        await Capture(await router.ValidAsync());
        await Capture(await router.ValidAsync("served"));
        await Capture(await router.ValidAsync(extra: ",\"stream\":true,\"stream_options\":{\"include_usage\":true}"));
        router.Llm.FailNext(500, 3);
        await Capture(await router.ValidAsync());
        router.Llm.FailNext(401, 1);
        await Capture(await router.ValidAsync());
        foreach (var key in new[] { BadRequestKeys.Valid + "x", BadRequestKeys.Valid[..^1], BadRequestKeys.Llm })
        {
            var request = new HttpRequestMessage(HttpMethod.Post, BadRequestCorpus.Chat)
            {
                Content = new StringContent(BadRequestCorpus.ValidChat(ReliableRouter.Alias).ToJsonString(), Encoding.UTF8, "application/json"),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
            await Capture(await router.Http.SendAsync(request));
        }

        foreach (var bad in BadRequestCorpus.Build(ReliableRouter.Alias, ReliableRouter.MaxBody).Where(r => !r.RefusedByServer).Take(60))
        {
            await Capture(await router.SendAsync(bad));
        }

        var metrics = await router.MetricsTextAsync();
        var logs = router.Logs.AllText;
        // /v1/models is behind the client keys like the rest of /v1.
        using var listModels = new HttpRequestMessage(HttpMethod.Get, "/v1/models");
        listModels.Headers.Authorization = new AuthenticationHeaderValue("Bearer", BadRequestKeys.Valid);
        using var modelsResponse = await router.Http.SendAsync(listModels);
        modelsResponse.EnsureSuccessStatusCode();
        var models = await modelsResponse.Content.ReadAsStringAsync();
        TestContext.Out.WriteLine($"RELIABILITY router-secret-scan logEntries={router.Logs.Entries.Count} metricsBytes={metrics.Length} responseBytes={outputs.Length}");

        // Assert: the planted LLM key was really used (so the scan is meaningful) …
        router.Llm.Requests.Should().Contain(r => r.Authorization == "Bearer " + BadRequestKeys.Llm);
        router.Logs.Entries.Should().NotBeEmpty();
        // … and appears nowhere else, nor does the client key or a recognisable part of either.
        foreach (var secret in new[] { BadRequestKeys.Valid, BadRequestKeys.Llm, BadRequestKeys.Valid[3..15], BadRequestKeys.Llm[7..19] })
        {
            logs.Should().NotContain(secret, "logs must not carry secrets");
            metrics.Should().NotContain(secret, "metrics must not carry secrets");
            outputs.ToString().Should().NotContain(secret, "responses must not echo secrets");
            models.Should().NotContain(secret);
        }
    }

    [Test]
    public void ClientKeyAuthenticator_ComparesWithFixedTimeEquals_NoEarlyExit()
    {
        // Arrange: timing cannot be asserted in a test, so check the code path: the authenticator's IL
        // calls CryptographicOperations.FixedTimeEquals and never string/span equality on key material.
        var method = typeof(ClientKeyAuthenticator).GetMethod(nameof(ClientKeyAuthenticator.Authenticate))!;
        var il = method.GetMethodBody()!.GetILAsByteArray()!;
        var module = method.Module;

        // Act
        var called = new List<string>();
        for (var i = 0; i < il.Length - 4; i++)
        {
            if (il[i] is 0x28 or 0x6F)
            {
                try
                {
                    var target = module.ResolveMethod(BitConverter.ToInt32(il, i + 1));
                    if (target is not null)
                    {
                        called.Add($"{target.DeclaringType?.Name}.{target.Name}");
                    }
                }
                catch (ArgumentException)
                {
                    // Not a method token at this offset (an operand byte of another instruction).
                }
            }
        }

        // Assert
        called.Should().Contain("CryptographicOperations.FixedTimeEquals");
        called.Should().NotContain(c => c.EndsWith(".SequenceEqual", StringComparison.Ordinal) || c == "String.Equals" || c == "String.op_Equality");
    }

    [Test]
    public async Task ClientKeyAuthenticator_ValidAndInvalidKeys_OnlyExactKeyAccepted()
    {
        // Arrange
        await using var router = await ReliableRouter.StartAsync();

        // Act
        using var ok = await router.ValidAsync();
        var request = new HttpRequestMessage(HttpMethod.Post, BadRequestCorpus.Chat) { Content = new StringContent(BadRequestCorpus.ValidChat(ReliableRouter.Alias).ToJsonString(), Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", BadRequestKeys.Valid.ToUpperInvariant());
        using var wrongCase = await router.Http.SendAsync(request);

        // Assert
        ok.StatusCode.Should().Be(HttpStatusCode.OK);
        wrongCase.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }
}
