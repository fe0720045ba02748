using System.Collections.Concurrent;
using SlmFleet.Api.V1Alpha1;
using SlmFleet.Router.Observability;
using SlmFleet.Router.Routing;

namespace SlmFleet.Router.Budget;

/// <summary>
/// LLM spend per policy (model alias) for the current UTC calendar month, and the budget decision.
/// <para>
/// This router's own spend is counted here and exported as the <c>slm_router_llm_spend_usd_total</c>
/// counter, which the operator sums over the replicas into the RoutingPolicy's status. In cluster mode
/// the watcher hands that status in (<see cref="ObserveStatus"/>) and the budget is held against the
/// fleet's spend (<see cref="FleetSpendRule"/>); in local mode no status ever arrives and the budget is
/// held against this router's own spend. The budget gauges show the figure enforced; the counter keeps
/// counting own spend only (the operator's sum would count the fleet's spend N times otherwise).
/// </para>
/// <para>
/// The hot path (<see cref="State"/>) reads two lock-free dictionaries; only the gauge update (once per LLM answer) locks.
/// </para>
/// </summary>
internal sealed class BudgetTracker(TimeProvider time, RouterMetrics metrics)
{
    private readonly ConcurrentDictionary<string, MonthSpend> _spend = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, FleetSpendObservation> _fleet = new(StringComparer.Ordinal);

    // Serializes read-then-set of the gauges, so a status observed while a spend is recorded cannot leave the older figure last.
    private readonly Lock _gauges = new();

    public BudgetState State(string model, BudgetSpec? budget)
    {
        if (budget is null)
        {
            return BudgetState.Unlimited;
        }

        var spent = EnforcedSpend(model);
        return new BudgetState(
            spent >= budget.MonthlyUsd,
            string.Equals(budget.WhenExhausted, "reject", StringComparison.Ordinal),
            budget.MonthlyUsd > 0 ? spent / budget.MonthlyUsd : 1);
    }

    /// <summary>This router's own LLM spend for <paramref name="model"/> this month.</summary>
    public double OwnSpendThisMonth(string model)
    {
        var month = CurrentMonth();
        return _spend.TryGetValue(model, out var spend) && spend.Month == month ? spend.Usd : 0;
    }

    /// <summary>The spend this month the budget of <paramref name="model"/> is held against: own spend, or the fleet's when a current status was seen.</summary>
    public double EnforcedSpend(string model) =>
        FleetSpendRule.Enforced(CurrentMonth(), _spend.GetValueOrDefault(model), _fleet.GetValueOrDefault(model));

    public void Record(string model, BudgetSpec? budget, double usd)
    {
        if (usd <= 0)
        {
            return;
        }

        var month = CurrentMonth();
        _spend.AddOrUpdate(
            model,
            static (_, arg) => new MonthSpend(arg.month, arg.usd),
            static (_, old, arg) => old.Month == arg.month ? old with { Usd = old.Usd + arg.usd } : new MonthSpend(arg.month, arg.usd),
            (month, usd));
        metrics.AddSpend(model, usd);
        UpdateGauges(model, budget);
    }

    /// <summary>
    /// Cluster mode: what the operator last wrote into the policy's status (<c>status.month</c>,
    /// <c>status.spendThisMonthUsd</c>). A status without a readable month or spend is no fleet figure.
    /// Called by the watcher, one call at a time.
    /// </summary>
    public void ObserveStatus(string model, BudgetSpec? budget, string? month, double? spendUsd)
    {
        if (BudgetMonth.TryParse(month, out var statusMonth) && spendUsd is { } usd && double.IsFinite(usd) && usd >= 0)
        {
            var own = _spend.GetValueOrDefault(model);
            _fleet.AddOrUpdate(
                model,
                static (_, arg) => FleetSpendRule.Observe(null, arg.statusMonth, arg.usd, arg.own),
                static (_, old, arg) => FleetSpendRule.Observe(old, arg.statusMonth, arg.usd, arg.own),
                (statusMonth, usd, own));
        }
        else
        {
            _fleet.TryRemove(model, out _);
        }

        UpdateGauges(model, budget);
    }

    /// <summary>Drops the status figures of policies no longer served (a policy re-created under the alias starts without one).</summary>
    public void ForgetStatusesExcept(IReadOnlySet<string> models)
    {
        ArgumentNullException.ThrowIfNull(models);
        foreach (var model in _fleet.Keys)
        {
            if (!models.Contains(model))
            {
                _fleet.TryRemove(model, out _);
            }
        }
    }

    /// <summary>
    /// The gauges follow the enforced figure, so that every replica shows the fraction it decides on
    /// (dashboards take the max over replicas, not the sum).
    /// </summary>
    private void UpdateGauges(string model, BudgetSpec? budget)
    {
        if (budget is not { MonthlyUsd: > 0 })
        {
            return;
        }

        lock (_gauges)
        {
            var fraction = EnforcedSpend(model) / budget.MonthlyUsd;
            metrics.SetBudget(model, fraction, fraction >= budget.AlertFraction);
        }
    }

    private int CurrentMonth() => BudgetMonth.Of(time.GetUtcNow());
}
