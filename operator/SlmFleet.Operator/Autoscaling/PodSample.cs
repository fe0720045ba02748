namespace SlmFleet.Operator.Autoscaling;

/// <summary>
/// The last metrics read from one pod. <paramref name="Utilization"/> is the busy fraction of wall time
/// over the worker's window (0..1); null when the read failed or the pod never reported.
/// </summary>
internal sealed record PodSample(
    string Name,
    PodReadiness Readiness,
    double? Utilization,
    int? QueueDepth,
    DateTimeOffset? SampleTime);
