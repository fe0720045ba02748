namespace SlmFleet.Operator.Autoscaling;

/// <summary>
/// The bounds and band the autoscaler holds a fleet in. The reconciler maps the SlmDeployment
/// spec onto this record so the decision does not depend on the CRD types.
/// </summary>
internal sealed record AutoscalingPolicy
{
    /// <summary>Replicas kept warm at all times; the decision never goes below this.</summary>
    public required int MinReplicas { get; init; }

    /// <summary>Hard ceiling; a decision cut by it is reported as clamped (ScalingLimited).</summary>
    public required int MaxReplicas { get; init; }

    /// <summary>Low mark of the utilization band (fraction 0..1).</summary>
    public double TargetLow { get; init; } = 0.60;

    /// <summary>High mark of the utilization band (fraction 0..1).</summary>
    public double TargetHigh { get; init; } = 0.80;

    /// <summary>
    /// How long the fleet must stay above the high mark before a utilization scale-up, sized by the
    /// lowest load of that window; 0 acts at once. The default (three consecutive 15 s syncs) keeps
    /// one noisy sample from adding a replica. Queue-driven scale-ups never wait for it.
    /// </summary>
    public TimeSpan ScaleUpStabilization { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a lower replica count must be called for continuously (with complete metrics) before
    /// replicas are removed; the removal is sized by the busiest minute of that window
    /// (<see cref="ScaleDownSmoothing"/>). Also the minimum time after the last scale event before a removal.
    /// </summary>
    public TimeSpan ScaleDownStabilization { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The span a scale-down's sizing averages load over: a removal is sized by the busiest such span
    /// inside the scale-down window, not by its single busiest sample. The band is held per minute (the
    /// dashboards and the fleet simulation measure it per minute), and with requests that hold a batch
    /// slot for tens of seconds one 15 s sample is a noisy read of it; sizing by the noisiest sample keeps
    /// a replica more than the band needs. Zero sizes by the busiest single sample (as HPA does).
    /// </summary>
    public TimeSpan ScaleDownSmoothing { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Waiting requests per ready replica above which the fleet scales up even when the (windowed)
    /// utilization has not caught up yet.
    /// </summary>
    public double QueueDepthLimit { get; init; } = 8;

    /// <summary>A pod sample older than this is stale: it neither counts as zero nor allows a scale-down.</summary>
    public TimeSpan MetricStaleness { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// When true, replicas are also removed while utilization is inside the band if the smaller
    /// fleet would still run at or below <see cref="ResizeTarget"/> (after the same stabilization
    /// window). Without it a falling load drifts down to the low mark before anything is removed.
    /// </summary>
    public bool ConsolidateWithinBand { get; init; } = true;

    /// <summary>
    /// The utilization every resize sizes the fleet for, up or down: a scale-up adds replicas until the
    /// current load would run at it, a scale-down keeps the window's busiest minute at or below it.
    /// Null means four fifths up the band (<see cref="DefaultResizeTargetFraction"/>: 0.76 for 0.60-0.80).
    /// One point for both directions, because a scale-up sized lower than where consolidation later
    /// settles the fleet is undone one scale-down window later, and the replicas in between (warm-up
    /// included) are pure cost; the gap to the high mark, the scale-up window and the busiest-minute
    /// sizing of scale-downs absorb the noise (bench/results/autoscaler.md measures the choice).
    /// </summary>
    public double? ResizeTarget { get; init; }

    /// <summary>Where in the band <see cref="ResizeTarget"/> defaults to, as a fraction of the band's width.</summary>
    public const double DefaultResizeTargetFraction = 0.8;

    /// <summary>The middle of the band (the "strict band" comparison in the fleet simulation sizes for it).</summary>
    public double TargetMiddle => (TargetLow + TargetHigh) / 2;

    /// <summary><see cref="ResizeTarget"/>, or four fifths up the band when it is not set.</summary>
    public double EffectiveResizeTarget => ResizeTarget ?? (TargetLow + (DefaultResizeTargetFraction * (TargetHigh - TargetLow)));

    /// <summary>Every problem with this policy, each naming the field, its value and what is accepted.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (MinReplicas < 0)
        {
            errors.Add($"minReplicas is {MinReplicas}; it must be 0 or more");
        }

        if (MaxReplicas < 1 || MaxReplicas < MinReplicas)
        {
            errors.Add($"maxReplicas is {MaxReplicas}; it must be at least 1 and at least minReplicas ({MinReplicas})");
        }

        if (!(TargetLow > 0 && TargetLow < 1))
        {
            errors.Add($"targetLow is {TargetLow}; it must be between 0 and 1 (exclusive)");
        }

        if (!(TargetHigh > TargetLow && TargetHigh <= 1))
        {
            errors.Add($"targetHigh is {TargetHigh}; it must be above targetLow ({TargetLow}) and at most 1");
        }

        if (ResizeTarget is { } target && !(target >= TargetLow && target < TargetHigh))
        {
            errors.Add($"resizeTarget is {target}; it must be at least targetLow ({TargetLow}) and below targetHigh ({TargetHigh})");
        }

        if (ScaleUpStabilization < TimeSpan.Zero)
        {
            errors.Add($"scaleUpStabilization is {ScaleUpStabilization}; it must be 0 or more");
        }

        if (ScaleDownStabilization < TimeSpan.Zero)
        {
            errors.Add($"scaleDownStabilization is {ScaleDownStabilization}; it must be 0 or more");
        }

        if (ScaleDownSmoothing < TimeSpan.Zero)
        {
            errors.Add($"scaleDownSmoothing is {ScaleDownSmoothing}; it must be 0 or more");
        }

        if (!(QueueDepthLimit > 0))
        {
            errors.Add($"queueDepthLimit is {QueueDepthLimit}; it must be greater than 0");
        }

        if (MetricStaleness <= TimeSpan.Zero)
        {
            errors.Add($"metricStaleness is {MetricStaleness}; it must be greater than 0");
        }

        return errors;
    }
}
