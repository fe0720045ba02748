using SlmFleet.Router.Budget;

namespace SlmFleet.Router.Tests.Budget;

[TestFixture]
public sealed class FleetSpendRuleTests
{
    private const int November = (2026 * 12) + 11;
    private const int October = November - 1;

    [Test]
    public void Enforced_NoStatus_IsOwnSpend()
    {
        var enforced = FleetSpendRule.Enforced(November, new MonthSpend(November, 3.5), null);

        enforced.Should().Be(3.5);
    }

    [Test]
    public void Enforced_OwnSpendFromLastMonth_CountsZero()
    {
        var enforced = FleetSpendRule.Enforced(November, new MonthSpend(October, 80), null);

        enforced.Should().Be(0);
    }

    [Test]
    public void Enforced_StatusFromLastMonth_IsOwnSpendOnly()
    {
        var fleet = new FleetSpendObservation(October, 500, null, null);

        var enforced = FleetSpendRule.Enforced(November, new MonthSpend(November, 2), fleet);

        enforced.Should().Be(2);
    }

    [Test]
    public void Enforced_StatusThisMonth_IsStatusPlusOwnSpendSinceBaseline()
    {
        var fleet = new FleetSpendObservation(November, 40, Baseline: new MonthSpend(November, 3), SeenAt: new MonthSpend(November, 4));

        var enforced = FleetSpendRule.Enforced(November, new MonthSpend(November, 10), fleet);

        enforced.Should().Be(40 + (10 - 3));
    }

    [Test]
    public void Enforced_RestartedRouterWithSpentStatus_IsStatusFigure()
    {
        var fleet = FleetSpendRule.Observe(null, November, 100, ownNow: null);

        var enforced = FleetSpendRule.Enforced(November, null, fleet);

        enforced.Should().Be(100);
    }

    [Test]
    public void Enforced_StatusOlderThanOwnSpend_OwnSpendWins()
    {
        // The operator's figure lags (it restarted and counts this router from now on): own spend is larger.
        var fleet = new FleetSpendObservation(November, 1, Baseline: new MonthSpend(November, 29), SeenAt: new MonthSpend(November, 29.5));

        var enforced = FleetSpendRule.Enforced(November, new MonthSpend(November, 30), fleet);

        enforced.Should().Be(30);
    }

    [Test]
    public void Enforced_BaselineFromLastMonth_CountsAllOwnSpendOfThisMonth()
    {
        var fleet = new FleetSpendObservation(November, 5, Baseline: new MonthSpend(October, 70), SeenAt: new MonthSpend(November, 1));

        var enforced = FleetSpendRule.Enforced(November, new MonthSpend(November, 2), fleet);

        enforced.Should().Be(5 + 2);
    }

    [Test]
    public void Observe_FirstFigure_HasNoBaseline()
    {
        var observed = FleetSpendRule.Observe(null, November, 12, new MonthSpend(November, 4));

        observed.Should().Be(new FleetSpendObservation(November, 12, null, new MonthSpend(November, 4)));
    }

    [Test]
    public void Observe_NewFigure_TakesPreviousSightingAsBaseline()
    {
        var first = FleetSpendRule.Observe(null, November, 12, new MonthSpend(November, 4));

        var second = FleetSpendRule.Observe(first, November, 15, new MonthSpend(November, 6));

        second.Should().Be(new FleetSpendObservation(November, 15, new MonthSpend(November, 4), new MonthSpend(November, 6)));
    }

    [Test]
    public void Observe_SameFigureAgain_KeepsTheHeldObservation()
    {
        var first = FleetSpendRule.Observe(null, November, 12, new MonthSpend(November, 4));

        var again = FleetSpendRule.Observe(first, November, 12, new MonthSpend(November, 9));

        again.Should().BeSameAs(first);
        FleetSpendRule.Enforced(November, new MonthSpend(November, 9), again).Should().Be(12 + 9);
    }

    [Test]
    public void Observe_SameFigureOfAnotherMonth_IsANewFigure()
    {
        var october = FleetSpendRule.Observe(null, October, 12, new MonthSpend(October, 4));

        var november = FleetSpendRule.Observe(october, November, 12, new MonthSpend(November, 1));

        november.Should().Be(new FleetSpendObservation(November, 12, new MonthSpend(October, 4), new MonthSpend(November, 1)));
    }

    /// <summary>
    /// Own spend between the operator's read and the router seeing the new figure is in neither the figure
    /// nor a baseline taken at that sighting; the previous sighting's baseline keeps it.
    /// </summary>
    [Test]
    public void Enforced_OwnSpendBetweenOperatorReadAndSighting_IsNotLost()
    {
        // Router sees S1 with own spend 1; operator reads counters at own 2 (S2 = others 10 + own 2 = 12);
        // the router spends up to 3 before it sees S2.
        var s1 = FleetSpendRule.Observe(null, November, 5, new MonthSpend(November, 1));
        var s2 = FleetSpendRule.Observe(s1, November, 12, new MonthSpend(November, 3));

        var enforced = FleetSpendRule.Enforced(November, new MonthSpend(November, 3), s2);

        // True fleet spend is 10 + 3 = 13; the rule says 12 + (3 - 1) = 14: the safe side, never 12.
        enforced.Should().Be(14);
    }
}
