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

    [Test]
    public void Record_SeededFirstScrape_StartsFromTheStatusAndCountsOnlyGrowth()
    {
        // Arrange: the status says 5 USD; the router has counted 6 USD since long before (earlier months included).
        var ledger = new UsageLedger(Seeds(Seed("2026-03", spendUsd: 5, slm: 60, llm: 40, lowConfidence: 30, baselineUsd: 12)));
        var first = ledger.Record("2026-03", [new RouterMetricsText(Namespace, "a", RouterPage("bot", slm: 700, llm: 300, lowConfidence: 200, rule: 10, spendUsd: 6, promptTokens: 9000, completionTokens: 900))]);

        // Act: the router counts 5 more SLM answers, 2 LLM ones and 0.5 USD.
        var grown = ledger.Record("2026-03", [new RouterMetricsText(Namespace, "a", RouterPage("bot", slm: 705, llm: 302, lowConfidence: 201, rule: 11, spendUsd: 6.5, promptTokens: 9100, completionTokens: 920))]);

        // Assert
        var seeded = first[(Namespace, "bot")];
        seeded.SpendUsd.Should().BeApproximately(5, 1e-9, "the status's figure, not the router's lifetime 6 nor 5 + 6");
        seeded.Requests.Should().Be(100);
        seeded.SlmRequests.Should().Be(60);
        seeded.LlmRequests.Should().Be(40);
        seeded.EscalationsByReason.Should().BeEquivalentTo(new Dictionary<string, long> { ["low_confidence"] = 30 });
        seeded.PromptTokens.Should().Be(0);
        seeded.SeededBaselineUsd.Should().Be(12);
        var usage = grown[(Namespace, "bot")];
        usage.SpendUsd.Should().BeApproximately(5.5, 1e-9);
        usage.Requests.Should().Be(107);
        usage.SlmRequests.Should().Be(65);
        usage.LlmRequests.Should().Be(42);
        usage.EscalationsByReason.Should().BeEquivalentTo(new Dictionary<string, long> { ["low_confidence"] = 31, ["rule"] = 1 });
        usage.PromptTokens.Should().Be(100);
        usage.CompletionTokens.Should().Be(20);
        usage.SeededBaselineUsd.Should().Be(12);
    }

    [Test]
    public void Record_RouterFirstSeenAfterTheFirstScrape_CountsFromZero()
    {
        // Arrange
        var ledger = new UsageLedger(Seeds(Seed("2026-03", spendUsd: 5)));
        ledger.Record("2026-03", [new RouterMetricsText(Namespace, "a", RouterPage("bot", 10, 0, 0, 0, 6, 0, 0))]);

        // Act: a new router pod (started after the operator) has spent 1 USD.
        var totals = ledger.Record("2026-03", [
            new RouterMetricsText(Namespace, "a", RouterPage("bot", 10, 0, 0, 0, 6, 0, 0)),
            new RouterMetricsText(Namespace, "b", RouterPage("bot", 3, 0, 0, 0, 1, 0, 0)),
        ]);

        // Assert
        totals[(Namespace, "bot")].SpendUsd.Should().BeApproximately(6, 1e-9);
        totals[(Namespace, "bot")].SlmRequests.Should().Be(3);
    }

    [Test]
    public void Record_SeriesAppearingLaterOnAFirstScrapeRouter_CountsFromZero()
    {
        // Arrange: router a had no LLM spend series for "bot" at the first scrape (no LLM call yet).
        var ledger = new UsageLedger(Seeds(Seed("2026-03", spendUsd: 5)));
        ledger.Record("2026-03", [new RouterMetricsText(Namespace, "a", "slm_router_requests_total{model=\"bot\",route=\"slm\"} 10\n")]);

        // Act
        var totals = ledger.Record("2026-03", [new RouterMetricsText(Namespace, "a", "slm_router_requests_total{model=\"bot\",route=\"slm\"} 12\nslm_router_llm_spend_usd_total{model=\"bot\"} 0.25\n")]);

        // Assert
        totals[(Namespace, "bot")].SpendUsd.Should().BeApproximately(5.25, 1e-9);
        totals[(Namespace, "bot")].SlmRequests.Should().Be(2);
    }

    [Test]
    public void Record_StatusOfLastMonth_IgnoredAndRoutersCountFromZero()
    {
        // Arrange
        var ledger = new UsageLedger(Seeds(Seed("2026-02", spendUsd: 5)));

        // Act
        var totals = ledger.Record("2026-03", [new RouterMetricsText(Namespace, "a", RouterPage("bot", 10, 0, 0, 0, 6, 0, 0))]);

        // Assert
        totals[(Namespace, "bot")].SpendUsd.Should().BeApproximately(6, 1e-9);
        totals[(Namespace, "bot")].SlmRequests.Should().Be(10);
        totals[(Namespace, "bot")].SeededBaselineUsd.Should().Be(0);
    }

    [Test]
    public void Record_UnseededAlias_CountsFromZeroBesideASeededOne()
    {
        // Arrange
        var ledger = new UsageLedger(Seeds(Seed("2026-03", spendUsd: 5)));

        // Act: the page also carries 1000 requests for alias "other", which has no status this month.
        var totals = ledger.Record("2026-03", [new RouterMetricsText(Namespace, "a", RouterPage("bot", 10, 0, 0, 0, 6, 0, 0))]);

        // Assert
        totals[(Namespace, "bot")].SlmRequests.Should().Be(0);
        totals[(Namespace, "other")].Requests.Should().Be(1000);
    }

    [Test]
    public void Record_RouterRestartedAfterTheSeed_KeepsItsGrowthAndCountsTheNewLife()
    {
        // Arrange
        var ledger = new UsageLedger(Seeds(Seed("2026-03", spendUsd: 5)));
        ledger.Record("2026-03", [new RouterMetricsText(Namespace, "a", RouterPage("bot", 100, 0, 0, 0, 6, 0, 0))]);
        ledger.Record("2026-03", [new RouterMetricsText(Namespace, "a", RouterPage("bot", 120, 0, 0, 0, 7, 0, 0))]);

        // Act: the same router restarted (counters from zero) and grew to 0.5 USD.
        var totals = ledger.Record("2026-03", [new RouterMetricsText(Namespace, "a", RouterPage("bot", 4, 0, 0, 0, 0.5, 0, 0))]);

        // Assert: 5 (status) + 1 (growth before the restart) + 0.5 (after).
        totals[(Namespace, "bot")].SpendUsd.Should().BeApproximately(6.5, 1e-9);
        totals[(Namespace, "bot")].SlmRequests.Should().Be(24);
    }

    [Test]
    public void Record_RouterUnreachableAtTheFirstScrape_ItsFirstReadIsItsBase()
    {
        // Arrange: b was running but did not answer the first scrape; what it counted before is in the status.
        var ledger = new UsageLedger(Seeds(Seed("2026-03", spendUsd: 5)));
        ledger.Record("2026-03", [new RouterMetricsText(Namespace, "a", RouterPage("bot", 10, 0, 0, 0, 6, 0, 0))], [(Namespace, "b")]);

        // Act: b answers (4 USD since its start), then grows by 0.5; c, never listed before, is new.
        var reachable = ledger.Record("2026-03", [
            new RouterMetricsText(Namespace, "a", RouterPage("bot", 10, 0, 0, 0, 6, 0, 0)),
            new RouterMetricsText(Namespace, "b", RouterPage("bot", 40, 0, 0, 0, 4, 0, 0)),
            new RouterMetricsText(Namespace, "c", RouterPage("bot", 2, 0, 0, 0, 0.25, 0, 0)),
        ]);
        var grown = ledger.Record("2026-03", [new RouterMetricsText(Namespace, "b", RouterPage("bot", 45, 0, 0, 0, 4.5, 0, 0))]);

        // Assert
        reachable[(Namespace, "bot")].SpendUsd.Should().BeApproximately(5.25, 1e-9, "b's 4 USD are in the status; c's 0.25 are new");
        grown[(Namespace, "bot")].SpendUsd.Should().BeApproximately(5.75, 1e-9);
        grown[(Namespace, "bot")].SlmRequests.Should().Be(7);
    }

    [Test]
    public void Record_RouterUnreachableOnlyAfterTheFirstScrape_CountsFromZeroWhenFirstRead()
    {
        // Arrange: d is reported unreachable only on a later scrape, so it was not running at the first one.
        var ledger = new UsageLedger(Seeds(Seed("2026-03", spendUsd: 5)));
        ledger.Record("2026-03", []);
        ledger.Record("2026-03", [], [(Namespace, "d")]);

        // Act
        var totals = ledger.Record("2026-03", [new RouterMetricsText(Namespace, "d", RouterPage("bot", 1, 0, 0, 0, 0.5, 0, 0))]);

        // Assert
        totals[(Namespace, "bot")].SpendUsd.Should().BeApproximately(5.5, 1e-9);
    }

    [Test]
    public void Record_SeededAndNoRouterReachable_TotalsAreTheStatus()
    {
        // Arrange
        var ledger = new UsageLedger(Seeds(Seed("2026-03", spendUsd: 5, slm: 60, llm: 40)));

        // Act
        var totals = ledger.Record("2026-03", [], [(Namespace, "a")]);

        // Assert
        totals[(Namespace, "bot")].SpendUsd.Should().Be(5);
        totals[(Namespace, "bot")].Requests.Should().Be(100);
    }

    [Test]
    public void Record_NextMonthAfterASeed_SeedDroppedAndOnlyTheNewMonthCounts()
    {
        // Arrange
        var ledger = new UsageLedger(Seeds(Seed("2026-03", spendUsd: 5, baselineUsd: 12)));
        ledger.Record("2026-03", [new RouterMetricsText(Namespace, "a", RouterPage("bot", 10, 0, 0, 0, 6, 0, 0))]);

        // Act
        var april = ledger.Record("2026-04", [new RouterMetricsText(Namespace, "a", RouterPage("bot", 13, 0, 0, 0, 6.75, 0, 0))]);

        // Assert
        var usage = april[(Namespace, "bot")];
        usage.Month.Should().Be("2026-04");
        usage.SpendUsd.Should().BeApproximately(0.75, 1e-9);
        usage.SlmRequests.Should().Be(3);
        usage.SeededBaselineUsd.Should().Be(0);
    }

    private static Dictionary<(string Namespace, string Model), PolicyUsage> Seeds(PolicyUsage seed) => new() { [(Namespace, "bot")] = seed };

    private static PolicyUsage Seed(string month, double spendUsd, long slm = 0, long llm = 0, long lowConfidence = 0, double baselineUsd = 0) => new()
    {
        Month = month,
        Requests = slm + llm,
        SlmRequests = slm,
        LlmRequests = llm,
        EscalationsByReason = lowConfidence > 0 ? new Dictionary<string, long> { ["low_confidence"] = lowConfidence } : new Dictionary<string, long>(),
        SpendUsd = spendUsd,
        SeededBaselineUsd = baselineUsd,
    };
}
