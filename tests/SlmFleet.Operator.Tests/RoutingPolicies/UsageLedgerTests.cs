using FluentAssertions;
using NUnit.Framework;
using SlmFleet.Operator.RoutingPolicies;
using static SlmFleet.Operator.Tests.RoutingPolicies.RoutingPolicyFixtures;

namespace SlmFleet.Operator.Tests.RoutingPolicies;

[TestFixture]
public sealed class UsageLedgerTests
{
    [Test]
    public void Record_TwoRouters_SumsPerNamespaceAndAlias()
    {
        // Arrange
        var ledger = new UsageLedger();

        // Act
        var totals = ledger.Record("2026-03", [
            new RouterMetricsText(Namespace, "router-a", RouterPage("bot", slm: 70, llm: 30, lowConfidence: 20, rule: 10, spendUsd: 1.25, promptTokens: 1000, completionTokens: 500)),
            new RouterMetricsText(Namespace, "router-b", RouterPage("bot", slm: 10, llm: 5, lowConfidence: 5, rule: 0, spendUsd: 0.5, promptTokens: 200, completionTokens: 100)),
            new RouterMetricsText("other-ns", "router-c", RouterPage("bot", slm: 1, llm: 1, lowConfidence: 1, rule: 0, spendUsd: 9, promptTokens: 1, completionTokens: 1)),
        ]);

        // Assert
        var usage = totals[(Namespace, "bot")];
        usage.Month.Should().Be("2026-03");
        usage.Requests.Should().Be(115);
        usage.SlmRequests.Should().Be(80);
        usage.LlmRequests.Should().Be(35);
        usage.EscalationsByReason.Should().BeEquivalentTo(new Dictionary<string, long> { ["low_confidence"] = 25, ["rule"] = 10 });
        usage.SpendUsd.Should().BeApproximately(1.75, 1e-9);
        usage.PromptTokens.Should().Be(1200);
        usage.CompletionTokens.Should().Be(600);
        totals[("other-ns", "bot")].SpendUsd.Should().Be(9);
        totals[(Namespace, "other")].Requests.Should().Be(2000);
    }

    [Test]
    public void Record_RouterRestarted_KeepsWhatItCountedBefore()
    {
        // Arrange
        var ledger = new UsageLedger();
        ledger.Record("2026-03", [new RouterMetricsText(Namespace, "a", RouterPage("bot", 100, 0, 0, 0, 2.0, 0, 0))]);

        // Act: the counters start again from zero after a restart, then grow to 5.
        var totals = ledger.Record("2026-03", [new RouterMetricsText(Namespace, "a", RouterPage("bot", 5, 0, 0, 0, 0.5, 0, 0))]);

        // Assert
        totals[(Namespace, "bot")].SlmRequests.Should().Be(105);
        totals[(Namespace, "bot")].SpendUsd.Should().BeApproximately(2.5, 1e-9);
    }

    [Test]
    public void Record_NewMonth_CountsFromTheMonthsStart()
    {
        // Arrange
        var ledger = new UsageLedger();
        ledger.Record("2026-03", [new RouterMetricsText(Namespace, "a", RouterPage("bot", 100, 10, 10, 0, 3.0, 0, 0))]);

        // Act
        var first = ledger.Record("2026-04", [new RouterMetricsText(Namespace, "a", RouterPage("bot", 104, 11, 11, 0, 3.5, 0, 0))]);

        // Assert
        var usage = first[(Namespace, "bot")];
        usage.Month.Should().Be("2026-04");
        usage.SlmRequests.Should().Be(4);
        usage.LlmRequests.Should().Be(1);
        usage.EscalationsByReason.Should().BeEquivalentTo(new Dictionary<string, long> { ["low_confidence"] = 1 });
        usage.SpendUsd.Should().BeApproximately(0.5, 1e-9);
    }

    [Test]
    public void Record_RouterUnreachable_ItsLastNumbersStillCount()
    {
        // Arrange
        var ledger = new UsageLedger();
        ledger.Record("2026-03", [
            new RouterMetricsText(Namespace, "a", RouterPage("bot", 10, 0, 0, 0, 1, 0, 0)),
            new RouterMetricsText(Namespace, "b", RouterPage("bot", 20, 0, 0, 0, 2, 0, 0)),
        ]);

        // Act
        var totals = ledger.Record("2026-03", [new RouterMetricsText(Namespace, "a", RouterPage("bot", 15, 0, 0, 0, 1, 0, 0))]);

        // Assert
        totals[(Namespace, "bot")].SlmRequests.Should().Be(35);
        totals[(Namespace, "bot")].SpendUsd.Should().BeApproximately(3, 1e-9);
    }

    [Test]
    public void Record_MalformedLines_SkippedAndCounted()
    {
        // Arrange
        var ledger = new UsageLedger();
        var page = RouterPage("bot", 3, 0, 0, 0, 0, 0, 0) + "\nslm_router_requests_total{model=\"bot\" oops\nslm_router_llm_spend_usd_total{model=\"bot\"} not-a-number\n";

        // Act
        var totals = ledger.Record("2026-03", [new RouterMetricsText(Namespace, "a", page)]);

        // Assert
        totals[(Namespace, "bot")].SlmRequests.Should().Be(3);
        ledger.LastSkipped.Should().Be(2);
    }
}
