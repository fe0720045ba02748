using SlmFleet.Api.V1Alpha1;
using SlmFleet.Router.Budget;
using SlmFleet.Router.Observability;
using SlmFleet.Router.Routing;
using SlmFleet.Router.Tests.Infrastructure;

namespace SlmFleet.Router.Tests.Budget;

/// <summary>The tracker with real metrics and a hand-moved clock (starts 2026-01-01; moved to mid-January).</summary>
[TestFixture]
public sealed class BudgetTrackerTests
{
    private const string Model = "support-bot";
    private const string January = "2026-01";
    private const string December = "2025-12";

    private static readonly BudgetSpec Reject = new() { MonthlyUsd = 10, WhenExhausted = "reject", AlertFraction = 0.5 };

    private ManualClock _clock = null!;

    [SetUp]
    public void SetUp()
    {
        _clock = new ManualClock();
        _clock.Advance(TimeSpan.FromDays(14));
    }

    private BudgetTracker NewRouter(RouterMetrics? metrics = null) => new(_clock, metrics ?? new RouterMetrics());

    [Test]
    public void State_RestartedRouterWhoseStatusSaysSpent_Exhausted()
    {
        var restarted = NewRouter();

        restarted.ObserveStatus(Model, Reject, January, 10);

        restarted.OwnSpendThisMonth(Model).Should().Be(0);
        restarted.State(Model, Reject).Should().Be(new BudgetState(Exhausted: true, RejectWhenExhausted: true, SpentFraction: 1.0));
    }

    [Test]
    public void State_TwoReplicasEachBelowBudgetTogetherOver_BothExhaustedOnceTheStatusArrives()
    {
        var first = NewRouter();
        var second = NewRouter();
        first.Record(Model, Reject, 6);
        second.Record(Model, Reject, 6);
        first.State(Model, Reject).Exhausted.Should().BeFalse();
        second.State(Model, Reject).Exhausted.Should().BeFalse();

        // What the operator writes after summing the two spend counters.
        first.ObserveStatus(Model, Reject, January, 12);
        second.ObserveStatus(Model, Reject, January, 12);

        first.State(Model, Reject).Exhausted.Should().BeTrue();
        second.State(Model, Reject).Exhausted.Should().BeTrue();
    }

    [Test]
    public void State_StatusFromLastMonth_OwnSpendOnly()
    {
        var router = NewRouter();
        router.Record(Model, Reject, 1);

        router.ObserveStatus(Model, Reject, December, 50);

        router.EnforcedSpend(Model).Should().Be(1);
        router.State(Model, Reject).Exhausted.Should().BeFalse();
    }

    [Test]
    public void State_MonthTurnsAfterASpentStatus_NotExhaustedInTheNewMonth()
    {
        var router = NewRouter();
        router.Record(Model, Reject, 2);
        router.ObserveStatus(Model, Reject, January, 10);
        router.State(Model, Reject).Exhausted.Should().BeTrue();

        _clock.Advance(TimeSpan.FromDays(20));

        router.EnforcedSpend(Model).Should().Be(0);
        router.State(Model, Reject).Exhausted.Should().BeFalse();
    }

    [Test]
    public void EnforcedSpend_SpendAfterTheStatus_CountedOnTop()
    {
        var router = NewRouter();
        router.ObserveStatus(Model, Reject, January, 4);

        router.Record(Model, Reject, 1.5);
        router.Record(Model, Reject, 2.5);

        router.EnforcedSpend(Model).Should().Be(8);
        router.State(Model, Reject).Exhausted.Should().BeFalse();
        router.Record(Model, Reject, 2);
        router.State(Model, Reject).Exhausted.Should().BeTrue();
    }

    [Test]
    public void EnforcedSpend_NextStatusIncludesOwnSpend_CountsOnlyOwnSpendSinceThePreviousSighting()
    {
        var router = NewRouter();
        router.ObserveStatus(Model, Reject, January, 4);
        router.Record(Model, Reject, 1);

        // The operator read this router at 1 USD: 4 (others) + 1.
        router.ObserveStatus(Model, Reject, January, 5);

        // Own spend since the previous sighting (1) is counted again: the documented over-count.
        router.EnforcedSpend(Model).Should().Be(6);
    }

    [Test]
    public void ObserveStatus_WithoutMonthOrSpend_DropsTheFleetFigure()
    {
        var router = NewRouter();
        router.Record(Model, Reject, 1);
        router.ObserveStatus(Model, Reject, January, 9);
        router.EnforcedSpend(Model).Should().BeGreaterThan(9);

        router.ObserveStatus(Model, Reject, null, 9);
        router.EnforcedSpend(Model).Should().Be(1);

        router.ObserveStatus(Model, Reject, January, 9);
        router.ObserveStatus(Model, Reject, January, null);
        router.EnforcedSpend(Model).Should().Be(1);
    }

    [Test]
    public void ForgetStatusesExcept_PolicyGone_DropsItsFleetFigure()
    {
        var router = NewRouter();
        router.ObserveStatus(Model, Reject, January, 9);
        router.ObserveStatus("other", Reject, January, 3);

        router.ForgetStatusesExcept(new HashSet<string>(["other"], StringComparer.Ordinal));

        router.EnforcedSpend(Model).Should().Be(0);
        router.EnforcedSpend("other").Should().Be(3);
    }

    [Test]
    public void Metrics_FleetFigure_InGaugesButNotInTheSpendCounter()
    {
        var metrics = new RouterMetrics();
        var router = NewRouter(metrics);
        router.Record(Model, Reject, 1);

        router.ObserveStatus(Model, Reject, January, 6);

        metrics.SpendUsd.WithLabels(Model).Value.Should().Be(1);
        metrics.BudgetFraction.WithLabels(Model).Value.Should().BeApproximately(0.7, 1e-9);
        metrics.BudgetAlert.WithLabels(Model).Value.Should().Be(1);
    }

    [Test]
    public void Metrics_NoStatus_GaugesFollowOwnSpend()
    {
        var metrics = new RouterMetrics();
        var router = NewRouter(metrics);

        router.Record(Model, Reject, 2);

        metrics.BudgetFraction.WithLabels(Model).Value.Should().BeApproximately(0.2, 1e-9);
        metrics.BudgetAlert.WithLabels(Model).Value.Should().Be(0);
    }
}
