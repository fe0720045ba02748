namespace SlmFleet.Router.Routing;

/// <summary>A policy's budget as the decision sees it.</summary>
/// <param name="Exhausted">Spend this month has reached the monthly limit.</param>
/// <param name="RejectWhenExhausted">The policy's <c>whenExhausted</c> is <c>reject</c> (otherwise <c>slm-only</c>).</param>
/// <param name="SpentFraction">Spend this month ÷ the monthly budget (0 without a budget): where the budget curve reads the threshold.</param>
internal readonly record struct BudgetState(bool Exhausted, bool RejectWhenExhausted, double SpentFraction = 0)
{
    public static BudgetState Unlimited => default;
}
