using System.Collections.Concurrent;
using SlmFleet.Api.V1Alpha1;
using SlmFleet.Router.Observability;
using SlmFleet.Router.Routing;

namespace SlmFleet.Router.Budget;

/// <summary>
/// LLM spend per policy for the current UTC calendar month (this router's share; the operator sums
/// the routers' metrics). Spend resets when the month changes.
/// </summary>
internal sealed class BudgetTracker(TimeProvider time, RouterMetrics metrics)
{
    private readonly ConcurrentDictionary<string, MonthSpend> _spend = new(StringComparer.Ordinal);

    public BudgetState State(string model, BudgetSpec? budget)
    {
        if (budget is null)
        {
            return BudgetState.Unlimited;
        }

        var spent = SpentThisMonth(model);
        return new BudgetState(spent >= budget.MonthlyUsd, string.Equals(budget.WhenExhausted, "reject", StringComparison.Ordinal));
    }

    public double SpentThisMonth(string model)
    {
        var month = CurrentMonth();
        return _spend.TryGetValue(model, out var spend) && spend.Month == month ? spend.Usd : 0;
    }

    public void Record(string model, BudgetSpec? budget, double usd)
    {
        if (usd <= 0)
        {
            return;
        }

        var month = CurrentMonth();
        var updated = _spend.AddOrUpdate(
            model,
            static (_, arg) => new MonthSpend(arg.month, arg.usd),
            static (_, old, arg) => old.Month == arg.month ? old with { Usd = old.Usd + arg.usd } : new MonthSpend(arg.month, arg.usd),
            (month, usd));
        metrics.SpendUsd.WithLabels(model).Inc(usd);
        if (budget is { MonthlyUsd: > 0 })
        {
            var fraction = updated.Usd / budget.MonthlyUsd;
            metrics.BudgetFraction.WithLabels(model).Set(fraction);
            metrics.BudgetAlert.WithLabels(model).Set(fraction >= budget.AlertFraction ? 1 : 0);
        }
    }

    private int CurrentMonth()
    {
        var now = time.GetUtcNow();
        return (now.Year * 12) + now.Month;
    }

    private sealed record MonthSpend(int Month, double Usd);
}
