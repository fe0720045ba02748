namespace SlmFleet.Operator.Autoscaling;

/// <summary>
/// Settings of the Kubernetes HorizontalPodAutoscaler (autoscaling/v2) that <see cref="HpaAlgorithm"/>
/// reproduces; the defaults are HPA's defaults with a 70 % utilization target.
/// </summary>
internal sealed record HpaPolicy
{
    public required int MinReplicas { get; init; }

    public required int MaxReplicas { get; init; }

    /// <summary>Target average utilization (fraction 0..1).</summary>
    public double TargetUtilization { get; init; } = 0.70;

    /// <summary>HPA's <c>--horizontal-pod-autoscaler-tolerance</c>: no change while |ratio - 1| is within it.</summary>
    public double Tolerance { get; init; } = 0.10;

    /// <summary>behavior.scaleDown.stabilizationWindowSeconds (default 300 s).</summary>
    public TimeSpan ScaleDownStabilization { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>behavior.scaleUp.stabilizationWindowSeconds (default 0).</summary>
    public TimeSpan ScaleUpStabilization { get; init; } = TimeSpan.Zero;

    /// <summary>Default scale-up policies: at most +100 % or +4 pods (whichever is more) per sync.</summary>
    public double ScaleUpMaxPercent { get; init; } = 100;

    public int ScaleUpMaxPods { get; init; } = 4;

    /// <summary>Default scale-down policy: at most -100 % per sync.</summary>
    public double ScaleDownMaxPercent { get; init; } = 100;

    /// <summary>A sample older than this is treated as missing, like a pod absent from the metrics API.</summary>
    public TimeSpan MetricStaleness { get; init; } = TimeSpan.FromSeconds(60);
}
