using Prometheus;

namespace SlmFleet.Operator.RoutingPolicies;

/// <summary>Prometheus metrics of the RoutingPolicy reconciler and the router usage collector (<c>slm_operator_</c> prefix).</summary>
internal sealed class RoutingPolicyMetrics
{
    public RoutingPolicyMetrics(CollectorRegistry registry)
    {
        var factory = Metrics.WithCustomRegistry(registry);
        BudgetFraction = factory.CreateGauge("slm_operator_routingpolicy_budget_fraction",
            "LLM spend this month divided by spec.budget.monthlyUsd, summed over all routers, per RoutingPolicy.", ["namespace", "policy"]);
        BudgetAlert = factory.CreateGauge("slm_operator_routingpolicy_budget_alert",
            "1 when a RoutingPolicy's spend this month has reached spec.budget.alertFraction (condition BudgetAlert=True), else 0.", ["namespace", "policy"]);
        StatusWrites = factory.CreateCounter("slm_operator_routingpolicy_status_writes_total",
            "RoutingPolicy status writes (only when the status changed).");
        Events = factory.CreateCounter("slm_operator_routingpolicy_events_total",
            "Events posted on RoutingPolicies, by type and reason.", ["type", "reason"]);
        Conflicts = factory.CreateCounter("slm_operator_routingpolicy_conflicts_total",
            "RoutingPolicy status writes answered 409 (stale resourceVersion); the key is requeued.");
        Scrapes = factory.CreateCounter("slm_operator_router_scrapes_total",
            "Reads of router /metrics pages for RoutingPolicy usage, by outcome (ok|failed).", ["outcome"]);
    }

    public Gauge BudgetFraction { get; }

    public Gauge BudgetAlert { get; }

    public Counter StatusWrites { get; }

    public Counter Events { get; }

    public Counter Conflicts { get; }

    public Counter Scrapes { get; }
}
