using Prometheus;

namespace SlmFleet.Operator.SlmDeployments;

/// <summary>
/// Prometheus metrics of the SlmDeployment reconciler, in the runtime's registry and naming
/// (<c>slm_operator_</c> prefix); the runtime already counts reconciles, errors and durations.
/// </summary>
internal sealed class SlmDeploymentMetrics
{
    public SlmDeploymentMetrics(CollectorRegistry registry)
    {
        var factory = Metrics.WithCustomRegistry(registry);
        Writes = factory.CreateCounter("slm_operator_slmdeployment_writes_total",
            "API writes the SlmDeployment reconciler made, by object kind and verb.", ["kind", "verb"]);
        Events = factory.CreateCounter("slm_operator_slmdeployment_events_total",
            "Events posted on SlmDeployments, by type and reason.", ["type", "reason"]);
        Blocked = factory.CreateCounter("slm_operator_slmdeployment_blocked_total",
            "Reconciles that left the workers unchanged because the spec is invalid or the model does not fit, by reason.", ["reason"]);
        Conflicts = factory.CreateCounter("slm_operator_slmdeployment_conflicts_total",
            "Writes answered 409 (stale resourceVersion or already exists); the key is requeued.", ["kind"]);
        WriteFailures = factory.CreateCounter("slm_operator_slmdeployment_write_failures_total",
            "Owned-object writes the API server refused with something other than a conflict, by object kind and HTTP status.", ["kind", "code"]);
    }

    public Counter Writes { get; }

    public Counter WriteFailures { get; }

    public Counter Events { get; }

    public Counter Blocked { get; }

    public Counter Conflicts { get; }
}
