using System.Net;
using System.Text.Json;
using SlmFleet.Router.Tests.Infrastructure;
using SlmFleet.Testing.OpenAi;

namespace SlmFleet.Router.Tests.Integration;

/// <summary>
/// Budget: each LLM answer from the stand-in costs 10×1000/1e6 + 5×2000/1e6 = 0.02 USD; a 0.03 USD
/// budget is spent after two answers (alert at 0.5 flips after the first).
/// </summary>
[TestFixture]
public sealed class BudgetTests
{
    private const string Rules = """
                rules:
                  - name: to-llm
                    match: { flags: [premium] }
                    target: llm
            """;

    private static string Chat(string model) => $$"""{"model":"{{model}}","messages":[{"role":"user","content":"hi"}],"max_tokens":4}""";

    [Test]
    public async Task Budget_ExhaustedSlmOnly_ServesSlmWithBudgetExhaustedReason()
    {
        await using var llm = await OpenAiTestServer.StartAsync();
        var worker = await TinyWorker.AddressAsync();
        var budget = Rules + "\n    budget: { monthlyUsd: 0.03, alertFraction: 0.5, whenExhausted: slm-only }";
        await using var router = await TestRouter.StartAsync(PolicyYaml.Build(worker, null, PolicyYaml.Policy("capped", "tiny", llm.BaseUrl, 0.0, budget)));

        var first = await router.PostJsonAsync("/v1/chat/completions", Chat("capped"), h => h.Add("x-slmfleet-flags", "premium"));
        TestRouter.Header(first, "x-slmfleet-route").Should().Be("llm");
        (await router.MetricAsync("slm_router_budget_alert", ("model", "capped"))).Should().Be(1);
        await router.PostJsonAsync("/v1/chat/completions", Chat("capped"), h => h.Add("x-slmfleet-flags", "premium"));

        var third = await router.PostJsonAsync("/v1/chat/completions", Chat("capped"), h => h.Add("x-slmfleet-flags", "premium"));

        third.StatusCode.Should().Be(HttpStatusCode.OK);
        TestRouter.Header(third, "x-slmfleet-route").Should().Be("slm");
        TestRouter.Header(third, "x-slmfleet-reason").Should().Be("budget_exhausted");
        llm.Requests.Should().HaveCount(2);
        (await router.MetricAsync("slm_router_budget_fraction", ("model", "capped"))).Should().BeApproximately(0.04 / 0.03, 1e-9);
    }

    [Test]
    public async Task Budget_ExhaustedReject_Answers429WithBudgetCode()
    {
        await using var llm = await OpenAiTestServer.StartAsync();
        var worker = await TinyWorker.AddressAsync();
        var budget = Rules + "\n    budget: { monthlyUsd: 0.01, whenExhausted: reject }";
        await using var router = await TestRouter.StartAsync(PolicyYaml.Build(worker, null, PolicyYaml.Policy("strictcap", "tiny", llm.BaseUrl, 0.0, budget)));
        await router.PostJsonAsync("/v1/chat/completions", Chat("strictcap"), h => h.Add("x-slmfleet-flags", "premium"));

        var rejected = await router.PostJsonAsync("/v1/chat/completions", Chat("strictcap"), h => h.Add("x-slmfleet-flags", "premium"));
        var slmStillServes = await router.PostJsonAsync("/v1/chat/completions", Chat("strictcap"));

        rejected.StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
        JsonDocument.Parse(await rejected.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetProperty("code").GetString().Should().Be("budget_exhausted");
        slmStillServes.StatusCode.Should().Be(HttpStatusCode.OK);
        TestRouter.Header(slmStillServes, "x-slmfleet-route").Should().Be("slm");
    }
}
