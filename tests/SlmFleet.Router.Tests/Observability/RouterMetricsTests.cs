using SlmFleet.Router.Observability;

namespace SlmFleet.Router.Tests.Observability;

/// <summary>
/// The cached-child recording methods: each label set gets its own child, and a cached child is the
/// very one the exported metric holds (read back through <c>WithLabels</c>).
/// </summary>
[TestFixture]
public sealed class RouterMetricsTests
{
    [Test]
    public void RecordEscalation_DistinctModelsAndReasons_CountedPerLabelSet()
    {
        var metrics = new RouterMetrics();

        metrics.RecordEscalation("a", "rule");
        metrics.RecordEscalation("a", "rule");
        metrics.RecordEscalation("a", "low_confidence");
        metrics.RecordEscalation("b", "rule");

        metrics.Escalations.WithLabels("a", "rule").Value.Should().Be(2);
        metrics.Escalations.WithLabels("a", "low_confidence").Value.Should().Be(1);
        metrics.Escalations.WithLabels("b", "rule").Value.Should().Be(1);
        metrics.Escalations.WithLabels("b", "low_confidence").Value.Should().Be(0);
    }

    [Test]
    public void RecordClientError_SameStatusDifferentCodes_CountedPerStatusAndCode()
    {
        var metrics = new RouterMetrics();

        metrics.RecordClientError(429, "rate_limit_exceeded");
        metrics.RecordClientError(429, "overloaded");
        metrics.RecordClientError(429, "overloaded");
        metrics.RecordClientError(400, "overloaded");

        metrics.ClientErrors.WithLabels("429", "rate_limit_exceeded").Value.Should().Be(1);
        metrics.ClientErrors.WithLabels("429", "overloaded").Value.Should().Be(2);
        metrics.ClientErrors.WithLabels("400", "overloaded").Value.Should().Be(1);
    }

    [Test]
    public void AddSpendAndSavings_TwoModels_SummedPerModelAndMetric()
    {
        var metrics = new RouterMetrics();

        metrics.AddSpend("a", 0.25);
        metrics.AddSpend("a", 0.5);
        metrics.AddSpend("b", 1);
        metrics.AddSavings("a", 2);

        metrics.SpendUsd.WithLabels("a").Value.Should().BeApproximately(0.75, 1e-12);
        metrics.SpendUsd.WithLabels("b").Value.Should().BeApproximately(1, 1e-12);
        metrics.SavingsUsd.WithLabels("a").Value.Should().BeApproximately(2, 1e-12);
        metrics.SavingsUsd.WithLabels("b").Value.Should().Be(0);
    }

    [Test]
    public void ObserveConfidence_TwoModels_ObservedPerModel()
    {
        var metrics = new RouterMetrics();

        metrics.ObserveConfidence("a", 0.9);
        metrics.ObserveConfidence("a", 0.3);
        metrics.ObserveConfidence("b", 0.5);

        metrics.Confidence.WithLabels("a").Count.Should().Be(2);
        metrics.Confidence.WithLabels("a").Sum.Should().BeApproximately(1.2, 1e-12);
        metrics.Confidence.WithLabels("b").Count.Should().Be(1);
    }

    [Test]
    public void SetBudget_UpdatedTwice_GaugesHoldLatestPerModel()
    {
        var metrics = new RouterMetrics();

        metrics.SetBudget("a", 0.9, alert: true);
        metrics.SetBudget("b", 0.2, alert: false);
        metrics.SetBudget("a", 0.1, alert: false);

        metrics.BudgetFraction.WithLabels("a").Value.Should().Be(0.1);
        metrics.BudgetAlert.WithLabels("a").Value.Should().Be(0);
        metrics.BudgetFraction.WithLabels("b").Value.Should().Be(0.2);
    }

    [Test]
    public void RecordRequestAndTokens_TwoRoutes_CountedPerLabelSet()
    {
        var metrics = new RouterMetrics();

        metrics.RecordRequest("a", "llm", "rule", 0.01);
        metrics.RecordRequest("a", "slm", "confident", 0.02);
        metrics.RecordRequest("a", "llm", "rule", 0.03);
        metrics.RecordTokens("a", "llm", 10, 3);
        metrics.RecordTokens("a", "slm", 7, 1);

        metrics.Requests.WithLabels("a", "llm", "rule").Value.Should().Be(2);
        metrics.Requests.WithLabels("a", "slm", "confident").Value.Should().Be(1);
        metrics.Duration.WithLabels("a", "llm").Count.Should().Be(2);
        metrics.Tokens.WithLabels("a", "llm", "prompt").Value.Should().Be(10);
        metrics.Tokens.WithLabels("a", "llm", "completion").Value.Should().Be(3);
        metrics.Tokens.WithLabels("a", "slm", "prompt").Value.Should().Be(7);
    }
}
