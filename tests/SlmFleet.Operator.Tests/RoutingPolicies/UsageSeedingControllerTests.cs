using FluentAssertions;
using NUnit.Framework;
using SlmFleet.Api.V1Alpha1;
using SlmFleet.Operator.RoutingPolicies;
using SlmFleet.Testing;
using static SlmFleet.Operator.Tests.RoutingPolicies.RoutingPolicyFixtures;

namespace SlmFleet.Operator.Tests.RoutingPolicies;

/// <summary>
/// An operator starting (restart, upgrade, new leader) against a status an earlier operator wrote: the
/// controller, informers, collector and ledger against the API test server, router pages from a fake source.
/// </summary>
[TestFixture]
public sealed class UsageSeedingControllerTests
{
    [Test]
    public async Task Run_StatusOfThisMonthAndOldRouterCounters_KeepsTheStatusThenAddsOnlyGrowth()
    {
        // Arrange: the status says $4 this month; the router has counted $30 since it started, months ago.
        var month = RouterUsageCollector.Month(DateTimeOffset.UtcNow);
        await using var harness = await PolicyControllerHarness.StartAsync(TimeSpan.FromMilliseconds(200), async h =>
        {
            await h.CreateAsync(Deployment());
            await h.CreateAsync(Policy(secret: null, monthlyBudget: 100));
            await h.WriteStatusAsync("support", Status(month, spendUsd: 4, savingsUsd: 2));
            h.Usage.Set(new RouterMetricsText(Namespace, "router-a", RouterPage("support-bot", slm: 700, llm: 300, lowConfidence: 200, rule: 0, spendUsd: 30, promptTokens: 2_000_000, completionTokens: 500_000)));
        });

        // Act: the operator reads the router and re-plans the policy at least once after that.
        await Poll.UntilAsync(() => harness.Collector.Collections >= 2, "the operator reads the router");
        var reconciles = harness.Reconciles;
        await Poll.UntilAsync(() => harness.Reconciles >= reconciles + 2 && harness.Condition("support", RoutingPolicyConditionTypes.Ready)?.Status == "True", "the policy is planned with the usage read");

        // Assert: the status's figure, neither $30 (the router from zero) nor $34 (both).
        var kept = harness.Get("support")!.Status;
        kept.Month.Should().Be(month);
        kept.SpendThisMonthUsd.Should().BeApproximately(4, 1e-9);
        kept.Requests.Should().Be(50);
        kept.SavingsThisMonthUsd.Should().BeApproximately(2, 1e-9);

        // Act: the router counts 12 more requests, $1.50 and 0.4M prompt + 0.1M completion tokens.
        harness.Usage.Set(new RouterMetricsText(Namespace, "router-a", RouterPage("support-bot", slm: 710, llm: 302, lowConfidence: 201, rule: 0, spendUsd: 31.5, promptTokens: 2_400_000, completionTokens: 600_000)));

        // Assert
        await Poll.UntilAsync(() => Math.Abs((harness.Get("support")?.Status?.SpendThisMonthUsd ?? 0) - 5.5) < 1e-9, "status spend = $4 + $1.50");
        var grown = harness.Get("support")!.Status;
        grown.Requests.Should().Be(62);
        grown.SlmRequests.Should().Be(50);
        grown.LlmRequests.Should().Be(12);
        grown.EscalationsByReason.Should().BeEquivalentTo(new Dictionary<string, long> { ["low_confidence"] = 11 });
        // Baseline: $6 held by the status (savings 2 + spend 4) + 0.4M × $2.5/M + 0.1M × $10/M = $8; spent $5.50.
        grown.SavingsThisMonthUsd.Should().BeApproximately(2.5, 1e-9);
        grown.BudgetFraction.Should().BeApproximately(0.055, 1e-9);
    }

    [Test]
    public async Task Run_StatusOfLastMonth_IgnoredAndTheRouterCountsFromZero()
    {
        // Arrange
        var now = DateTimeOffset.UtcNow;
        await using var harness = await PolicyControllerHarness.StartAsync(TimeSpan.FromMilliseconds(200), async h =>
        {
            await h.CreateAsync(Deployment());
            await h.CreateAsync(Policy(secret: null, monthlyBudget: 100));
            await h.WriteStatusAsync("support", Status(RouterUsageCollector.Month(now.AddMonths(-1)), spendUsd: 4, savingsUsd: 2));
            h.Usage.Set(new RouterMetricsText(Namespace, "router-a", RouterPage("support-bot", slm: 70, llm: 30, lowConfidence: 20, rule: 0, spendUsd: 3, promptTokens: 0, completionTokens: 0)));
        });

        // Act
        await Poll.UntilAsync(() => harness.Get("support")?.Status?.Month == RouterUsageCollector.Month(now), "the status moves to this month");

        // Assert: no seed, so the router's counters count whole (as before seeding).
        var status = harness.Get("support")!.Status;
        status.SpendThisMonthUsd.Should().BeApproximately(3, 1e-9);
        status.Requests.Should().Be(100);
    }

    private static RoutingPolicyStatus Status(string month, double spendUsd, double savingsUsd) => new()
    {
        Month = month,
        Requests = 50,
        SlmRequests = 40,
        LlmRequests = 10,
        EscalationsByReason = new Dictionary<string, long> { ["low_confidence"] = 10 },
        EscalationRate = 0.2,
        SpendThisMonthUsd = spendUsd,
        BudgetFraction = spendUsd / 100,
        SavingsThisMonthUsd = savingsUsd,
    };
}
