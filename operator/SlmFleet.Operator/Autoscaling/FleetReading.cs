namespace SlmFleet.Operator.Autoscaling;

/// <summary>
/// One SlmDeployment's worker fleet as the autoscaler saw it on a tick: the decision's input plus
/// what the status and the gauges report.
/// </summary>
/// <param name="Observation">Input of <see cref="AutoscalerDecision.Decide"/>.</param>
/// <param name="ReadyPods">Pods with the Ready condition.</param>
/// <param name="WarmingPods">Pods started but not ready (loading the model or warming up).</param>
/// <param name="WarmupOverdue">Not-ready pods running for longer than <c>warmup.timeoutSeconds</c>.</param>
/// <param name="TokensPerSecond">Sum over ready pods with fresh samples; null when none has one.</param>
internal sealed record FleetReading(
    FleetObservation Observation,
    int ReadyPods,
    int WarmingPods,
    int WarmupOverdue,
    double? TokensPerSecond);
