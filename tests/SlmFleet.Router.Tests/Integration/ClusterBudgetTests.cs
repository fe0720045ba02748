using System.Net;
using System.Text.Json;
using k8s;
using k8s.Models;
using SlmFleet.Api;
using SlmFleet.Api.V1Alpha1;
using SlmFleet.Router.Tests.Infrastructure;
using SlmFleet.Testing;

namespace SlmFleet.Router.Tests.Integration;

/// <summary>
/// Cluster mode: a real router watching the Kubernetes API test server holds a policy's budget against the
/// fleet spend the operator writes into the RoutingPolicy status (written here by the test, as the operator
/// would). The router's wall clock is moved to mid-June 2026, so "this month" is 2026-06. One LLM answer
/// from the stand-in costs 10×1000/1e6 + 5×2000/1e6 = 0.02 USD; the budget is 0.05 USD.
/// </summary>
[TestFixture]
public sealed class ClusterBudgetTests
{
    private const string Ns = "default";
    private const string Alias = "capped";
    private const string ThisMonth = "2026-06";
    private const string LastMonth = "2026-05";
    private const double MonthlyUsd = 0.05;

    private ClusterRouterRig _rig = null!;

    [SetUp]
    public async Task SetUp() => _rig = await ClusterRouterRig.StartAsync(Ns, new ShiftedClock(new DateTimeOffset(2026, 6, 15, 12, 0, 0, TimeSpan.Zero)));

    [TearDown]
    public Task TearDown() => _rig.DisposeAsync().AsTask();

    [Test]
    public async Task LlmBoundRequest_StatusSpentThisMonth_RejectedPerWhenExhausted()
    {
        await CreatePolicyAsync("capped-policy", Alias, "reject");
        await WriteStatusAsync("capped-policy", ThisMonth, MonthlyUsd);
        await Poll.UntilAsync(() => _rig.Router.ServesAsync(Alias), "the router to serve the policy");
        await Poll.UntilAsync(async () => await _rig.Router.MetricAsync("slm_router_budget_fraction", ("model", Alias)) >= 1, "the router to take the fleet spend from the status");

        var response = await PremiumAsync();

        response.StatusCode.Should().Be(HttpStatusCode.TooManyRequests);
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetProperty("code").GetString().Should().Be("budget_exhausted");
        _rig.Llm.Requests.Should().BeEmpty();
        (await _rig.Router.MetricAsync("slm_router_budget_alert", ("model", Alias))).Should().Be(1);
        (await _rig.Router.MetricAsync("slm_router_llm_spend_usd_total", ("model", Alias))).Should().Be(0);
    }

    [Test]
    public async Task LlmBoundRequest_StatusSpentLastMonth_ServedByTheLlm()
    {
        await CreatePolicyAsync("capped-policy", Alias, "reject");
        await WriteStatusAsync("capped-policy", LastMonth, MonthlyUsd * 10);
        // Watch events arrive in order: once a policy created after the status write is served, the
        // router has seen that status.
        await CreatePolicyAsync("later-policy", "later", "reject");
        await Poll.UntilAsync(() => _rig.Router.ServesAsync("later"), "the router to see the policy created after the status");

        var response = await PremiumAsync();

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Headers.GetValues("x-slmfleet-route").Should().Equal("llm");
        _rig.Llm.Requests.Should().HaveCount(1);
        (await _rig.Router.MetricAsync("slm_router_budget_fraction", ("model", Alias))).Should().BeApproximately(0.02 / MonthlyUsd, 1e-9);
    }

    [Test]
    public async Task LlmBoundRequest_StatusBelowBudgetPlusOwnSpend_SlmOnlyOnceTheSumIsSpent()
    {
        // The fleet has spent 0.02 of 0.05: this router's own 0.02 + 0.02 reach it, though its own 0.04 would not.
        await CreatePolicyAsync("capped-policy", Alias, "slm-only");
        await WriteStatusAsync("capped-policy", ThisMonth, 0.02);
        await Poll.UntilAsync(() => _rig.Router.ServesAsync(Alias), "the router to serve the policy");
        await Poll.UntilAsync(async () => await _rig.Router.MetricAsync("slm_router_budget_fraction", ("model", Alias)) > 0, "the router to take the fleet spend from the status");

        var first = await PremiumAsync();
        var second = await PremiumAsync();
        var third = await PremiumAsync();

        first.Headers.GetValues("x-slmfleet-route").Should().Equal("llm");
        second.Headers.GetValues("x-slmfleet-route").Should().Equal("llm");
        // slm-only: the rule's LLM-bound request goes to the SLM, and this cluster has no worker endpoints.
        third.Headers.GetValues("x-slmfleet-reason").Should().Equal("budget_exhausted");
        _rig.Llm.Requests.Should().HaveCount(2);
        (await _rig.Router.MetricAsync("slm_router_budget_fraction", ("model", Alias))).Should().BeApproximately((0.02 + 0.04) / MonthlyUsd, 1e-9);
    }

    private Task<HttpResponseMessage> PremiumAsync() =>
        _rig.Router.PostJsonAsync(
            "/v1/chat/completions",
            $$"""{"model":"{{Alias}}","messages":[{"role":"user","content":"hi"}],"max_tokens":4}""",
            h => h.Add("x-slmfleet-flags", "premium"));

    private Task CreatePolicyAsync(string name, string alias, string whenExhausted) =>
        _rig.Client.CustomObjects.CreateNamespacedCustomObjectAsync(
            new V1Alpha1RoutingPolicy
            {
                Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = Ns },
                Spec = new RoutingPolicySpec
                {
                    ModelAlias = alias,
                    Slm = new SlmTargetSpec { DeploymentRef = new LocalObjectReference { Name = "qwen" } },
                    Llm = new LlmTargetSpec { BaseUrl = _rig.Llm.BaseUrl.ToString(), Model = "big-llm", InputPricePerMillionTokens = 1000, OutputPricePerMillionTokens = 2000 },
                    Rules = [new RoutingRule { Name = "to-llm", Target = "llm", Match = new RuleMatch { Flags = ["premium"] } }],
                    Budget = new BudgetSpec { MonthlyUsd = MonthlyUsd, AlertFraction = 0.8, WhenExhausted = whenExhausted },
                },
            },
            ApiGroup.Group, ApiGroup.Version, Ns, V1Alpha1RoutingPolicy.Plural);

    /// <summary>The fields the operator's RoutingPolicy controller writes after summing the routers' spend counters.</summary>
    private Task WriteStatusAsync(string name, string month, double spendUsd) =>
        _rig.Client.CustomObjects.PatchNamespacedCustomObjectStatusAsync(
            new V1Patch(new { status = new RoutingPolicyStatus { Month = month, SpendThisMonthUsd = spendUsd, BudgetFraction = spendUsd / MonthlyUsd } }, V1Patch.PatchType.MergePatch),
            ApiGroup.Group, ApiGroup.Version, Ns, V1Alpha1RoutingPolicy.Plural, name);
}
