namespace SlmFleet.Operator.RoutingPolicies;

/// <summary>Escalation reasons the router reports (label <c>reason</c> of <c>slm_router_escalations_total</c>) that the operator treats specially.</summary>
internal static class EscalationReasons
{
    /// <summary>The SLM answered because the budget was spent: counted, but not an escalation in the rate.</summary>
    public const string BudgetExhausted = "budget_exhausted";
}
