namespace SlmFleet.Router.Budget;

/// <summary>
/// The spend a router holds a policy's budget against. Pure: the month, this router's spend and the
/// observed status are passed in.
/// <para>
/// Every router replica sees only its own LLM spend; the operator sums the replicas' spend counters
/// into the RoutingPolicy's status every usage interval. A router enforces the larger of
/// </para>
/// <code>
///   (a) own      = this router's spend this month
///   (b) fleet    = status.spendThisMonthUsd + own spend since the router saw the status before it
/// </code>
/// <para>
/// Why "since the status before", and not "since this status":
/// </para>
/// <code>
///   router sees S1      operator reads counters      operator writes S2      router sees S2    now
///        │ baseline ───────────│──────────────────────────────────────────────────│──────────│
///        │  own spend in here: in S2 AND counted     │  own spend in here: in neither S2 nor a
///        │  on top (an over-count, the safe side)    │  baseline taken at "sees S2" (it would be lost)
/// </code>
/// <para>
/// So (b) over-counts this router's own spend between seeing the previous figure and the operator's
/// read (at most about one usage interval of it). For a budget that errs on the safe side: the fleet
/// stops a little early rather than overspending. (a) still counts when the status lags behind the
/// router (a fresh month, an operator that has not read this router yet).
/// </para>
/// <para>
/// A status for another month than the current one (last month's figure before the operator's first
/// read of the new month, or clocks that disagree at the boundary) is not used: the router falls back
/// to its own figure. Without a status the router enforces its own figure, as in local mode.
/// </para>
/// </summary>
internal static class FleetSpendRule
{
    /// <summary>The spend the budget is held against in <paramref name="month"/>.</summary>
    public static double Enforced(int month, MonthSpend? own, FleetSpendObservation? fleet)
    {
        var ownUsd = UsdIn(month, own);
        if (fleet is null || fleet.StatusMonth != month)
        {
            return ownUsd;
        }

        // A baseline from an earlier month means all of this month's own spend came after it.
        var since = Math.Max(0, ownUsd - UsdIn(month, fleet.Baseline));
        return Math.Max(ownUsd, fleet.StatusUsd + since);
    }

    /// <summary>
    /// The observation after the status showed (<paramref name="statusMonth"/>, <paramref name="statusUsd"/>)
    /// while this router had spent <paramref name="ownNow"/>. A figure equal to the one already held keeps
    /// the held observation (the status is rewritten for other reasons too; moving the baseline forward
    /// then would drop own spend the figure does not include).
    /// </summary>
    public static FleetSpendObservation Observe(FleetSpendObservation? previous, int statusMonth, double statusUsd, MonthSpend? ownNow)
    {
        if (previous is not null && previous.StatusMonth == statusMonth && previous.StatusUsd.Equals(statusUsd))
        {
            return previous;
        }

        return new FleetSpendObservation(statusMonth, statusUsd, previous?.SeenAt, ownNow);
    }

    private static double UsdIn(int month, MonthSpend? spend) => spend is not null && spend.Month == month ? spend.Usd : 0;
}
