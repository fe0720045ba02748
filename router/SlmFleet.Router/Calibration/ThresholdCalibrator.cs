using System.Collections.Concurrent;
using System.Globalization;
using SlmFleet.Api.Calibration;
using SlmFleet.Api.V1Alpha1;
using SlmFleet.Router.Observability;
using SlmFleet.Router.Routing;

namespace SlmFleet.Router.Calibration;

/// <summary>
/// The router's half of threshold calibration. It counts each shadow comparison by policy, task type,
/// SLM confidence bucket and whether the LLM agreed (exported as
/// <c>slm_router_calibration_samples_total</c>, which the operator sums over every router into the
/// RoutingPolicy's status), and it answers the threshold a request is judged against:
/// <list type="number">
/// <item>the configured <c>escalation.confidenceThreshold</c>, or with <c>calibration.mode: auto</c>
/// the calibrated one: the operator's (fleet-wide, from the RoutingPolicy status) when it published
/// one, else this router's own from its counts (local mode, or before the operator's first pass);</item>
/// <item>lowered by the budget curve at the month's spend, never below its floor.</item>
/// </list>
/// The hot path (<see cref="Threshold"/>) reads lock-free dictionaries; counting happens on the
/// shadow path.
/// </summary>
internal sealed class ThresholdCalibrator(RouterMetrics metrics, ILogger<ThresholdCalibrator> logger)
{
    /// <summary>Task label for requests without a task type.</summary>
    public const string NoTask = "none";

    /// <summary>Beyond this many task types per policy, further ones are counted as <c>other</c> (bounded label sets).</summary>
    private const int MaxTasksPerPolicy = 32;

    private readonly ConcurrentDictionary<(string Model, string Task), Counts> _counts = new();
    private readonly ConcurrentDictionary<(string Model, string Task), double> _localApplied = new();
    private readonly ConcurrentDictionary<string, CalibrationStatus> _published = new(StringComparer.Ordinal);

    /// <summary>The threshold a request of <paramref name="task"/> is judged against, and publishes it as a gauge.</summary>
    public double Threshold(RoutingPolicySpec policy, string? task, BudgetState budget)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var escalation = policy.Escalation ?? new EscalationSpec();
        var baseThreshold = escalation.ConfidenceThreshold;
        if (escalation.Calibration is { Mode: "auto" })
        {
            baseThreshold = Calibrated(policy.ModelAlias, task ?? NoTask) ?? baseThreshold;
        }

        var effective = ThresholdCalibration.Effective(baseThreshold, policy.Budget, budget.SpentFraction);
        metrics.SetEffectiveThreshold(policy.ModelAlias, effective);
        return effective;
    }

    /// <summary>Counts one shadow comparison; with <c>mode: auto</c>, also updates this router's own calibration.</summary>
    public void Record(RoutingPolicySpec policy, string? task, double confidence, double agreementScore)
    {
        ArgumentNullException.ThrowIfNull(policy);
        if (double.IsNaN(confidence) || double.IsNaN(agreementScore))
        {
            return;
        }

        // Counted whether or not the policy asks for calibration yet: turning it on then starts from the history.
        var calibration = policy.Escalation?.Calibration ?? new CalibrationSpec();

        var label = TaskLabel(policy.ModelAlias, task);
        var agreed = agreementScore >= calibration.AgreeAt;
        var bucket = ThresholdCalibration.BucketOf(confidence);
        var counts = _counts.GetOrAdd((policy.ModelAlias, label), _ => new Counts());
        Interlocked.Increment(ref (agreed ? counts.Agreed : counts.Disagreed)[bucket]);
        metrics.CalibrationSamples
            .WithLabels(policy.ModelAlias, label, ThresholdCalibration.LowerEdge(bucket).ToString("0.00", CultureInfo.InvariantCulture), agreed ? "true" : "false")
            .Inc();
        if (policy.Escalation?.Calibration is { Mode: "auto" })
        {
            UpdateLocal(policy, label, calibration);
            UpdateLocal(policy, AllTasks, calibration);
        }
    }

    /// <summary>The operator's calibration from the RoutingPolicy status (cluster mode); null forgets it.</summary>
    public void ObserveStatus(string model, CalibrationStatus? status)
    {
        if (status is null)
        {
            _published.TryRemove(model, out _);
        }
        else
        {
            _published[model] = status;
        }
    }

    private const string AllTasks = "*";

    private double? Calibrated(string model, string task)
    {
        if (_published.TryGetValue(model, out var status))
        {
            return status.Tasks?.Find(t => t.Task == task)?.AppliedThreshold ?? status.AppliedThreshold;
        }

        return _localApplied.TryGetValue((model, task), out var own) ? own
            : _localApplied.TryGetValue((model, AllTasks), out var all) ? all
            : null;
    }

    private void UpdateLocal(RoutingPolicySpec policy, string task, CalibrationSpec calibration)
    {
        long[] agreed = new long[ThresholdCalibration.Buckets], disagreed = new long[ThresholdCalibration.Buckets];
        foreach (var ((model, label), counts) in _counts)
        {
            if (model != policy.ModelAlias || (task != AllTasks && label != task))
            {
                continue;
            }

            for (var i = 0; i < ThresholdCalibration.Buckets; i++)
            {
                agreed[i] += Volatile.Read(ref counts.Agreed[i]);
                disagreed[i] += Volatile.Read(ref counts.Disagreed[i]);
            }
        }

        var (recommended, _) = ThresholdCalibration.Recommend(ThresholdCalibration.Table(agreed, disagreed), calibration.TargetAgreement, calibration.MinSamples);
        var key = (policy.ModelAlias, task);
        double? last = _localApplied.TryGetValue(key, out var previous) ? previous : null;
        var configured = policy.Escalation!.ConfidenceThreshold;
        var applied = ThresholdCalibration.Apply(recommended, last, configured, calibration);
        if (recommended is not null && applied != (last ?? configured))
        {
            _localApplied[key] = applied;
            RouterLog.ThresholdCalibrated(logger, policy.ModelAlias, task == AllTasks ? "all tasks" : task, last ?? configured, applied);
        }
    }

    private string TaskLabel(string model, string? task)
    {
        var label = string.IsNullOrEmpty(task) ? NoTask : task;
        if (_counts.ContainsKey((model, label)))
        {
            return label;
        }

        return _counts.Keys.Count(k => k.Model == model) >= MaxTasksPerPolicy ? "other" : label;
    }

    private sealed class Counts
    {
        public readonly long[] Agreed = new long[ThresholdCalibration.Buckets];
        public readonly long[] Disagreed = new long[ThresholdCalibration.Buckets];
    }
}
