namespace SlmFleet.Router.Budget;

/// <summary>USD spent in one UTC month.</summary>
/// <param name="Month">The month as <see cref="BudgetMonth"/> numbers it.</param>
/// <param name="Usd">Spend in that month.</param>
internal sealed record MonthSpend(int Month, double Usd);
