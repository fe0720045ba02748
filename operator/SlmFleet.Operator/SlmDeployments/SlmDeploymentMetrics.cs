using Prometheus;

namespace SlmFleet.Operator.SlmDeployments;

/// <summary>Prometheus metrics of the SlmDeployment reconciler (the controller runtime counts reconciles and durations).</summary>
internal static class SlmDeploymentMetrics
{
    public static readonly Counter Writes = Metrics.CreateCounter(
        "slmfleet_operator_slmdeployment_writes_total",
        "API writes the SlmDeployment reconciler made, by object kind and verb.",
        new CounterConfiguration { LabelNames = ["kind", "verb"] });

    public static readonly Counter Events = Metrics.CreateCounter(
        "slmfleet_operator_slmdeployment_events_total",
        "Events posted on SlmDeployments, by type and reason.",
        new CounterConfiguration { LabelNames = ["type", "reason"] });

    public static readonly Counter BlockedRollouts = Metrics.CreateCounter(
        "slmfleet_operator_slmdeployment_blocked_total",
        "Reconciles that left the workers unchanged because the spec is invalid or the model does not fit, by reason.",
        new CounterConfiguration { LabelNames = ["reason"] });

    public static readonly Counter Conflicts = Metrics.CreateCounter(
        "slmfleet_operator_slmdeployment_conflicts_total",
        "Writes answered 409 (stale resourceVersion or already exists); the key is requeued.",
        new CounterConfiguration { LabelNames = ["kind"] });
}
