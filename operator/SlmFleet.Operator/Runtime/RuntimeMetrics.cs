using Prometheus;

namespace SlmFleet.Operator.Runtime;

/// <summary>
/// The controller runtime's Prometheus metrics (all prefixed <c>slm_operator_</c>), created in a
/// given registry so tests and several managers in one process do not collide.
/// </summary>
internal sealed class RuntimeMetrics
{
    public RuntimeMetrics(CollectorRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        Registry = registry;
        var factory = Metrics.WithCustomRegistry(registry);
        Reconciles = factory.CreateCounter("slm_operator_reconcile_total", "Reconciles finished, by controller and result (success, requeue, requeue_after, error).", ["controller", "result"]);
        ReconcileErrors = factory.CreateCounter("slm_operator_reconcile_errors_total", "Reconciles that threw, by controller.", ["controller"]);
        ReconcileDuration = factory.CreateHistogram("slm_operator_reconcile_duration_seconds", "Time spent in one reconcile, by controller.",
            new HistogramConfiguration { LabelNames = ["controller"], Buckets = Histogram.ExponentialBuckets(0.001, 2, 16) });
        QueueDepth = factory.CreateGauge("slm_operator_workqueue_depth", "Keys waiting in the work queue (not counting delayed ones), by queue.", ["queue"]);
        QueueAdds = factory.CreateCounter("slm_operator_workqueue_adds_total", "Keys added to the work queue (after de-duplication), by queue.", ["queue"]);
        QueueRetries = factory.CreateCounter("slm_operator_workqueue_retries_total", "Rate-limited re-adds after a failure, by queue.", ["queue"]);
        InformerEvents = factory.CreateCounter("slm_operator_informer_events_total", "Events an informer delivered, by resource and type.", ["resource", "type"]);
        InformerRelists = factory.CreateCounter("slm_operator_informer_relists_total", "Full lists an informer made (first list, 410 Gone, errors), by resource.", ["resource"]);
        WatchRestarts = factory.CreateCounter("slm_operator_informer_watch_restarts_total", "Watch streams that ended or failed and were reopened, by resource.", ["resource"]);
        IsLeader = factory.CreateGauge("slm_operator_leader", "1 while this process holds the leader lease, else 0.");
    }

    public CollectorRegistry Registry { get; }

    public Counter Reconciles { get; }

    public Counter ReconcileErrors { get; }

    public Histogram ReconcileDuration { get; }

    public Gauge QueueDepth { get; }

    public Counter QueueAdds { get; }

    public Counter QueueRetries { get; }

    public Counter InformerEvents { get; }

    public Counter InformerRelists { get; }

    public Counter WatchRestarts { get; }

    public Gauge IsLeader { get; }

    /// <summary>Metrics in their own registry (tests, benchmarks).</summary>
    public static RuntimeMetrics CreateIsolated() => new(Metrics.NewCustomRegistry());
}
