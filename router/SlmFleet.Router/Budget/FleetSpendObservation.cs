namespace SlmFleet.Router.Budget;

/// <summary>
/// The fleet's spend for a policy as the operator last wrote it into the RoutingPolicy's status, and this
/// router's own spend around the moments it saw that figure.
/// </summary>
/// <param name="StatusMonth">The month the status figure covers (<c>status.month</c>).</param>
/// <param name="StatusUsd">The fleet's spend that month (<c>status.spendThisMonthUsd</c>): the sum of every router's spend counter at the operator's last read.</param>
/// <param name="Baseline">
/// This router's own spend when it saw the <em>previous</em> status figure (null: none seen in this
/// process's life). Spend after it is counted on top of <paramref name="StatusUsd"/>; see <see cref="FleetSpendRule"/>.
/// </param>
/// <param name="SeenAt">This router's own spend when it saw this figure: the next figure's baseline.</param>
internal sealed record FleetSpendObservation(int StatusMonth, double StatusUsd, MonthSpend? Baseline, MonthSpend? SeenAt);
