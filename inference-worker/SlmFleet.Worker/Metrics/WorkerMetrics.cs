using Prometheus;

namespace SlmFleet.Worker.Metrics;

/// <summary>
/// The worker's Prometheus metrics, in a registry of its own so several workers can share a
/// process (tests) without mixing their numbers.
/// </summary>
internal sealed class WorkerMetrics
{
    public WorkerMetrics(CollectorRegistry registry)
    {
        Registry = registry;
        var factory = Prometheus.Metrics.WithCustomRegistry(registry);
        Requests = factory.CreateCounter("slm_worker_requests_total", "Requests by RPC and outcome.", "rpc", "outcome");
        PromptTokens = factory.CreateCounter("slm_worker_prompt_tokens_total", "Prompt tokens processed.");
        CompletionTokens = factory.CreateCounter("slm_worker_completion_tokens_total", "Tokens generated.");
        TimeToFirstToken = factory.CreateHistogram("slm_worker_time_to_first_token_seconds", "From request arrival to the first generated token.",
            new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.005, 2, 14) });
        InterTokenLatency = factory.CreateHistogram("slm_worker_inter_token_latency_seconds", "Time between consecutive tokens of one sequence.",
            new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.001, 2, 14) });
        BatchSize = factory.CreateHistogram("slm_worker_batch_size", "Sequences in each decode step.",
            new HistogramConfiguration { Buckets = [1, 2, 4, 8, 16, 32, 64] });
        QueueDepth = factory.CreateGauge("slm_worker_queue_depth", "Requests waiting for admission.");
        ActiveSequences = factory.CreateGauge("slm_worker_active_sequences", "Sequences in the running batch.");
        Utilization = factory.CreateGauge("slm_worker_utilization_ratio", "Busy fraction of wall time over the stats window (duty cycle: one sequence in a large batch already reads near 1).");
        CapacityUtilization = factory.CreateGauge("slm_worker_capacity_utilization_ratio", "Demand (active sequences plus queued requests) over the batch slots, time-averaged over the stats window, 0..2; the autoscaler's band applies to it.");
        TokensPerSecond = factory.CreateGauge("slm_worker_tokens_per_second", "Generated tokens per second over the stats window.");
        WarmupSeconds = factory.CreateGauge("slm_worker_warmup_seconds", "Model load plus warm-up prompts, in seconds.");
        Warm = factory.CreateGauge("slm_worker_warm", "1 once warm-up has finished.");
        WarmupFailures = factory.CreateCounter("slm_worker_warmup_failures_total", "Warm-ups that failed; the worker stays NOT_SERVING and is restarted by its probes.");
        ConstraintMask = factory.CreateHistogram("slm_worker_constraint_mask_seconds", "Time to mask one constrained row's logits for one token.",
            new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.000_01, 2, 14) });
        ExecutionProvider = factory.CreateGauge("slm_worker_execution_provider", "1 for the execution provider in use.", "provider", "requested");
    }

    public CollectorRegistry Registry { get; }

    public Counter Requests { get; }

    public Counter PromptTokens { get; }

    public Counter CompletionTokens { get; }

    public Histogram TimeToFirstToken { get; }

    public Histogram InterTokenLatency { get; }

    public Histogram BatchSize { get; }

    public Gauge QueueDepth { get; }

    public Gauge ActiveSequences { get; }

    public Gauge Utilization { get; }

    public Gauge CapacityUtilization { get; }

    public Gauge TokensPerSecond { get; }

    public Gauge WarmupSeconds { get; }

    public Gauge Warm { get; }

    public Counter WarmupFailures { get; }

    public Gauge ExecutionProvider { get; }

    public Histogram ConstraintMask { get; }
}
