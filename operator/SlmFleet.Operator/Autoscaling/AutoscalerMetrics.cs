using Prometheus;

namespace SlmFleet.Operator.Autoscaling;

/// <summary>
/// Fleet gauges and decision counters for dashboards and alerts, in the runtime's registry and naming
/// (<c>slm_operator_</c> prefix). Series of a deleted SlmDeployment are removed.
/// </summary>
internal sealed class AutoscalerMetrics
{
    private readonly object _gate = new();
    private readonly HashSet<(string Namespace, string Name)> _exported = [];

    public AutoscalerMetrics(CollectorRegistry registry)
    {
        var factory = Metrics.WithCustomRegistry(registry);
        Replicas = factory.CreateGauge("slm_operator_slmdeployment_replicas",
            "Worker replicas of an SlmDeployment: ready (warm, serving), warming (started, not ready), desired (spec.replicas as asked), min (spec.minReplicas, the floor the autoscaler never goes below).",
            ["namespace", "deployment", "state"]);
        Utilization = factory.CreateGauge("slm_operator_slmdeployment_utilization",
            "Mean busy fraction (0-1) of the ready workers' engines, as read by the autoscaler; absent while no worker reports.",
            ["namespace", "deployment"]);
        CostPerMillionTokens = factory.CreateGauge("slm_operator_slmdeployment_cost_per_million_tokens",
            "Hourly cost of the ready replicas divided by their measured token throughput, USD per million tokens; absent until workers report tokens.",
            ["namespace", "deployment"]);
        WarmupOverdue = factory.CreateGauge("slm_operator_slmdeployment_warmup_overdue_replicas",
            "Worker pods not ready for longer than spec.warmup.timeoutSeconds since they started.",
            ["namespace", "deployment"]);
        Decisions = factory.CreateCounter("slm_operator_autoscaler_decisions_total",
            "Autoscaler decisions that changed spec.replicas, by direction (up, down).", ["direction"]);
        Passes = factory.CreateCounter("slm_operator_autoscaler_passes_total",
            "Autoscaler passes over all SlmDeployments.");
        StatsFailures = factory.CreateCounter("slm_operator_autoscaler_stats_failures_total",
            "Worker Stats reads that failed (unreachable, deadline, no IP); such samples never cause a scale-down.");
    }

    public Gauge Replicas { get; }

    public Gauge Utilization { get; }

    public Gauge CostPerMillionTokens { get; }

    public Gauge WarmupOverdue { get; }

    public Counter Decisions { get; }

    public Counter Passes { get; }

    public Counter StatsFailures { get; }

    /// <summary>Sets the gauges of one SlmDeployment; a null value removes its series.</summary>
    public void Report(string ns, string name, int ready, int warming, int desired, int min, double? utilization, double? costPerMillionTokens, int warmupOverdue)
    {
        lock (_gate)
        {
            _exported.Add((ns, name));
        }

        Replicas.WithLabels(ns, name, "ready").Set(ready);
        Replicas.WithLabels(ns, name, "warming").Set(warming);
        Replicas.WithLabels(ns, name, "desired").Set(desired);
        Replicas.WithLabels(ns, name, "min").Set(min);
        SetOrRemove(Utilization, utilization, ns, name);
        SetOrRemove(CostPerMillionTokens, costPerMillionTokens, ns, name);
        WarmupOverdue.WithLabels(ns, name).Set(warmupOverdue);
    }

    /// <summary>Removes the series of every SlmDeployment not in <paramref name="live"/>.</summary>
    public void RemoveAllBut(IReadOnlySet<(string Namespace, string Name)> live)
    {
        List<(string Namespace, string Name)> gone;
        lock (_gate)
        {
            gone = _exported.Where(k => !live.Contains(k)).ToList();
            _exported.ExceptWith(gone);
        }

        foreach (var (ns, name) in gone)
        {
            foreach (var state in new[] { "ready", "warming", "desired", "min" })
            {
                Replicas.RemoveLabelled(ns, name, state);
            }

            Utilization.RemoveLabelled(ns, name);
            CostPerMillionTokens.RemoveLabelled(ns, name);
            WarmupOverdue.RemoveLabelled(ns, name);
        }
    }

    private static void SetOrRemove(Gauge gauge, double? value, string ns, string name)
    {
        if (value is { } v)
        {
            gauge.WithLabels(ns, name).Set(v);
        }
        else
        {
            gauge.RemoveLabelled(ns, name);
        }
    }
}
