using FluentAssertions;
using NUnit.Framework;
using SlmFleet.Api.V1Alpha1;
using SlmFleet.Operator.RoutingPolicies;
using static SlmFleet.Operator.Tests.RoutingPolicies.RoutingPolicyFixtures;

namespace SlmFleet.Operator.Tests.RoutingPolicies;

[TestFixture]
public sealed class UsageSeedsTests
{
    [Test]
    public void FromStatuses_StatusWithAMonth_EveryCountedFieldAndTheTokensBaseline()
    {
        // Arrange
        var policy = WithStatus(Policy(), "2026-03", spendUsd: 4, savingsUsd: 6);
        policy.Status.EscalationsByReason = new Dictionary<string, long> { ["low_confidence"] = 7, ["rule"] = 0 };

        // Act
        var seeds = UsageSeeds.FromStatuses([policy], Namespace);

        // Assert
        var seed = seeds.Should().ContainKey((Namespace, "support-bot")).WhoseValue;
        seed.Month.Should().Be("2026-03");
        seed.Requests.Should().Be(100);
        seed.SlmRequests.Should().Be(80);
        seed.LlmRequests.Should().Be(20);
        seed.EscalationsByReason.Should().BeEquivalentTo(new Dictionary<string, long> { ["low_confidence"] = 7 });
        seed.SpendUsd.Should().Be(4);
        seed.SeededBaselineUsd.Should().Be(10, "savings are baseline − spend, so the baseline is savings + spend");
    }

    [Test]
    public void FromStatuses_NoMonthOrOtherNamespace_NoSeed()
    {
        // Arrange
        var fresh = Policy(name: "fresh", alias: "fresh-bot");
        var elsewhere = WithStatus(Policy(name: "elsewhere", alias: "elsewhere-bot"), "2026-03", 1, 0);
        elsewhere.Metadata.NamespaceProperty = "other";

        // Act
        var seeds = UsageSeeds.FromStatuses([fresh, elsewhere], Namespace);

        // Assert
        seeds.Should().BeEmpty();
    }

    [Test]
    public void FromStatuses_TwoPoliciesOneAlias_TheNewestFigureWins()
    {
        // Arrange: the same counters, written at different times (and one from last month).
        var older = WithStatus(Policy(name: "a"), "2026-03", spendUsd: 3, savingsUsd: 0);
        var newer = WithStatus(Policy(name: "b"), "2026-03", spendUsd: 3.5, savingsUsd: 0);
        var lastMonth = WithStatus(Policy(name: "c"), "2026-02", spendUsd: 90, savingsUsd: 0);

        // Act
        var seeds = UsageSeeds.FromStatuses([older, lastMonth, newer], Namespace);

        // Assert
        seeds.Should().ContainSingle().Which.Value.SpendUsd.Should().Be(3.5);
    }

    private static V1Alpha1RoutingPolicy WithStatus(V1Alpha1RoutingPolicy policy, string month, double spendUsd, double savingsUsd)
    {
        policy.Status = new RoutingPolicyStatus
        {
            Month = month,
            Requests = 100,
            SlmRequests = 80,
            LlmRequests = 20,
            SpendThisMonthUsd = spendUsd,
            SavingsThisMonthUsd = savingsUsd,
        };
        return policy;
    }
}
