using System.Collections.Concurrent;
using System.Globalization;
using Prometheus;

namespace SlmFleet.Router.Observability;

/// <summary>
/// The router's Prometheus metrics (prefix <c>slm_router_</c>), in a registry of their own so that
/// several routers in one test process do not share counters. The <c>model</c> label is the name the
/// client sent (a policy's alias or a served SLM name); it never carries a secret.
/// </summary>
/// <remarks>
/// Metrics updated per request go through the <c>Record…</c>/<c>Add…</c> methods, which cache the
/// labelled children: <c>WithLabels</c> allocates a label array and looks the child up on every call.
/// Every key is a resolved model, a fixed route/reason/code string or an HTTP status, so the caches stay
/// as small as the label sets the metrics export anyway. Children are never removed, so a cached one
/// is always the one <c>WithLabels</c> would return.
/// </remarks>
internal sealed class RouterMetrics
{
    private readonly ConcurrentDictionary<(string Model, string Route, string Reason), (Counter.Child Count, Histogram.Child Duration)> _requestChildren = new();
    private readonly ConcurrentDictionary<(string Model, string Route), (Counter.Child Prompt, Counter.Child Completion)> _tokenChildren = new();
    private readonly ConcurrentDictionary<(string Model, string Reason), Counter.Child> _escalationChildren = new();
    private readonly ConcurrentDictionary<(string Model, string Feature), Counter.Child> _unsupportedChildren = new();
    private readonly ConcurrentDictionary<string, Gauge.Child> _thresholdChildren = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Counter.Child> _spendChildren = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Counter.Child> _savingsChildren = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Histogram.Child> _confidenceChildren = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(int Status, string Code), Counter.Child> _clientErrorChildren = new();
    private readonly ConcurrentDictionary<string, (Gauge.Child Fraction, Gauge.Child Alert)> _budgetChildren = new(StringComparer.Ordinal);

    public RouterMetrics()
    {
        Registry = Metrics.NewCustomRegistry();
        var factory = Metrics.WithCustomRegistry(Registry);
        Requests = factory.CreateCounter("slm_router_requests_total", "Requests answered, by model, the side that answered (slm|llm|none) and reason.", "model", "route", "reason");
        Escalations = factory.CreateCounter("slm_router_escalations_total", "Requests that went to the LLM after the SLM was tried or found unavailable, by reason; budget_exhausted counts SLM answers kept only because the budget was spent. Rule routes are not escalations (slm_router_requests_total reason=rule).", "model", "reason");
        Duration = factory.CreateHistogram("slm_router_request_duration_seconds", "Time from request to last response byte, by route.", new HistogramConfiguration
        {
            LabelNames = ["model", "route"],
            Buckets = Histogram.ExponentialBuckets(0.0005, 2, 18),
        });
        Confidence = factory.CreateHistogram("slm_router_slm_confidence", "Measured SLM confidence compared with the policy threshold.", new HistogramConfiguration
        {
            LabelNames = ["model"],
            Buckets = Histogram.LinearBuckets(0.05, 0.05, 20),
        });
        SpendUsd = factory.CreateCounter("slm_router_llm_spend_usd_total", "USD spent on the LLM side (answers, shadow copies, judging): usage x the policy's prices.", "model");
        SavingsUsd = factory.CreateCounter("slm_router_savings_usd_total", "USD the SLM-served tokens would have cost at the LLM's prices.", "model");
        Tokens = factory.CreateCounter("slm_router_tokens_total", "Tokens served, by route and kind (prompt|completion).", "model", "route", "kind");
        BudgetFraction = factory.CreateGauge("slm_router_budget_fraction", "LLM spend this month the budget is held against (in cluster mode the fleet's, from the RoutingPolicy status plus this router's spend since) / monthly budget. About the same figure on every replica: aggregate with max, not sum.", "model");
        BudgetAlert = factory.CreateGauge("slm_router_budget_alert", "1 when the spend the budget is held against (see slm_router_budget_fraction) has reached the policy's alert fraction.", "model");
        ShadowComparisons = factory.CreateCounter("slm_router_shadow_comparisons_total", "Shadow comparisons made, by method (label|json|overlap|judge).", "model", "method");
        ShadowAgreement = factory.CreateHistogram("slm_router_shadow_agreement", "Agreement score 0..1 between the answering side and its shadow.", new HistogramConfiguration
        {
            LabelNames = ["model", "method"],
            Buckets = Histogram.LinearBuckets(0.1, 0.1, 10),
        });
        ShadowSkipped = factory.CreateCounter("slm_router_shadow_skipped_total", "Sampled shadow copies (or LLM-as-judge calls) not made, by reason: budget (the policy's LLM budget is exhausted; shadow spend counts against it), in_flight_limit (64 shadow copies already running).", "model", "reason");
        ClientErrors = factory.CreateCounter("slm_router_client_errors_total", "Requests refused before routing, by HTTP status and error code.", "status", "code");
        CalibrationSamples = factory.CreateCounter("slm_router_calibration_samples_total", "Shadow comparisons with a measured SLM confidence, by policy, task type, confidence bucket (lower edge, steps of 0.05) and whether the LLM agreed (score >= calibration.agreeAt); the operator turns them into the RoutingPolicy's calibration table.", "model", "task", "bucket", "agreed");
        EffectiveThreshold = factory.CreateGauge("slm_router_effective_threshold", "Confidence threshold last applied to a request of the policy: configured or calibrated, lowered by the budget curve.", "model");
        CandidateSamples = factory.CreateCounter("slm_router_candidate_samples_total", "Requests also answered by the policy's candidate SlmDeployment, by whether it agreed with the answer the client got; the operator's promotion gate reads them.", "model", "candidate", "agreed");
        DistillationRecords = factory.CreateCounter("slm_router_distillation_records_total", "Escalations written to the policy's distillation set.", "model");
        DistillationDropped = factory.CreateCounter("slm_router_distillation_dropped_total", "Escalations the distillation set should have held but does not, by reason (queue_full, write_failed, no_directory, streamed, redaction_timeout).", "model", "reason");
        Unsupported = factory.CreateCounter("slm_router_unsupported_total", "Requests sent to the LLM (or refused, for a served model) because they need a feature the SLM lacks, by feature (tools, non_text_content, audio, web_search, logit_bias, penalties, completion_options, logprobs, context).", "model", "feature");
        Endpoints = factory.CreateGauge("slm_router_slm_endpoints", "Worker endpoints known per SlmDeployment.", "deployment");
        ColdStartRequests = factory.CreateCounter("slm_router_cold_start_requests_total", "Requests that found their SlmDeployment scaled to zero (no ready replica), by decision: hold (held, then served by the SLM), predicted_late / queue_full / no_wait (sent to the LLM at once), wait_expired (held for the whole objective, then sent to the LLM).", "model", "decision");
        ColdStartWait = factory.CreateHistogram("slm_router_cold_start_wait_seconds", "How long requests were held for a replica at a cold start (served or not).", new HistogramConfiguration
        {
            LabelNames = ["model"],
            Buckets = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 300, 600],
        });
        DemandWrites = factory.CreateCounter("slm_router_demand_writes_total", "Demand annotations written on an SlmDeployment without a ready replica (the operator scales it from zero), by outcome (written|failed).", "deployment", "outcome");
    }

    public Counter ColdStartRequests { get; }

    public Histogram ColdStartWait { get; }

    public Counter DemandWrites { get; }

    /// <summary>Counts a request that found its deployment cold, with how long it was held (0 when sent to the LLM at once). Rare: children are not cached.</summary>
    public void RecordColdStart(string model, string decision, double heldSeconds)
    {
        ColdStartRequests.WithLabels(model, decision).Inc();
        ColdStartWait.WithLabels(model).Observe(heldSeconds);
    }

    /// <summary>Counts a demand annotation write (rate-limited per deployment, so rare).</summary>
    public void RecordDemand(string deployment, string outcome) => DemandWrites.WithLabels(deployment, outcome).Inc();

    public CollectorRegistry Registry { get; }

    /// <summary>Counts an answered request and its duration; the labelled children are cached so the hot path does not look them up.</summary>
    public void RecordRequest(string model, string route, string reason, double seconds)
    {
        var children = _requestChildren.GetOrAdd((model, route, reason), key => (Requests.WithLabels(key.Model, key.Route, key.Reason), Duration.WithLabels(key.Model, key.Route)));
        children.Count.Inc();
        children.Duration.Observe(seconds);
    }

    /// <summary>Adds served tokens for a model and route.</summary>
    public void RecordTokens(string model, string route, int prompt, int completion)
    {
        var children = _tokenChildren.GetOrAdd((model, route), key => (Tokens.WithLabels(key.Model, key.Route, "prompt"), Tokens.WithLabels(key.Model, key.Route, "completion")));
        children.Prompt.Inc(prompt);
        children.Completion.Inc(completion);
    }

    /// <summary>Publishes the threshold in force for a policy.</summary>
    public void SetEffectiveThreshold(string model, double threshold) =>
        _thresholdChildren.GetOrAdd(model, key => EffectiveThreshold.WithLabels(key)).Set(threshold);

    /// <summary>Counts a request that needs a feature the SLM lacks.</summary>
    public void RecordUnsupported(string model, string feature) =>
        _unsupportedChildren.GetOrAdd((model, feature), key => Unsupported.WithLabels(key.Model, key.Feature)).Inc();

    /// <summary>Counts a request the SLM did not answer that went (or would have gone) to the LLM.</summary>
    public void RecordEscalation(string model, string reason) =>
        _escalationChildren.GetOrAdd((model, reason), static (key, counter) => counter.WithLabels(key.Model, key.Reason), Escalations).Inc();

    /// <summary>Adds USD spent on the LLM side for a model.</summary>
    public void AddSpend(string model, double usd) =>
        _spendChildren.GetOrAdd(model, static (key, counter) => counter.WithLabels(key), SpendUsd).Inc(usd);

    /// <summary>Adds USD the SLM-served tokens of a model would have cost at the LLM's prices.</summary>
    public void AddSavings(string model, double usd) =>
        _savingsChildren.GetOrAdd(model, static (key, counter) => counter.WithLabels(key), SavingsUsd).Inc(usd);

    /// <summary>Observes a measured SLM confidence for a model.</summary>
    public void ObserveConfidence(string model, double confidence) =>
        _confidenceChildren.GetOrAdd(model, static (key, histogram) => histogram.WithLabels(key), Confidence).Observe(confidence);

    /// <summary>Counts a sampled shadow copy (or judge call) that was not made; rare, so the child is not cached.</summary>
    public void RecordShadowSkipped(string model, string reason) => ShadowSkipped.WithLabels(model, reason).Inc();

    /// <summary>Counts a request refused before routing, by HTTP status and error code.</summary>
    public void RecordClientError(int status, string code) =>
        _clientErrorChildren.GetOrAdd((status, code), static (key, counter) => counter.WithLabels(key.Status.ToString(CultureInfo.InvariantCulture), key.Code), ClientErrors).Inc();

    /// <summary>Sets the budget gauges of a model: the fraction of the monthly budget spent and whether the alert fraction is reached.</summary>
    public void SetBudget(string model, double fraction, bool alert)
    {
        var children = _budgetChildren.GetOrAdd(model, static (key, metrics) => (metrics.BudgetFraction.WithLabels(key), metrics.BudgetAlert.WithLabels(key)), this);
        children.Fraction.Set(fraction);
        children.Alert.Set(alert ? 1 : 0);
    }

    public Counter Requests { get; }

    public Counter Escalations { get; }

    public Histogram Duration { get; }

    public Histogram Confidence { get; }

    public Counter SpendUsd { get; }

    public Counter SavingsUsd { get; }

    public Counter Tokens { get; }

    public Gauge BudgetFraction { get; }

    public Gauge BudgetAlert { get; }

    public Counter ShadowComparisons { get; }

    public Histogram ShadowAgreement { get; }

    public Counter ShadowSkipped { get; }

    public Counter ClientErrors { get; }

    public Gauge Endpoints { get; }

    public Counter Unsupported { get; }

    public Counter CalibrationSamples { get; }

    public Counter DistillationRecords { get; }

    public Counter CandidateSamples { get; }

    public Counter DistillationDropped { get; }

    public Gauge EffectiveThreshold { get; }
}
