namespace SlmFleet.Operator.Autoscaling;

/// <summary>
/// Fleet-wide view of the pod samples.
/// <para><see cref="EstimatedBusy"/> is the number of replicas' worth of busy time: fresh ready pods
/// contribute their utilization, ready pods with missing or stale samples are assumed to run at the
/// mean of the fresh ones (never at zero, which would invite a scale-down on a metrics outage).
/// <see cref="QueueDepth"/> sums the fresh pods' waiting requests.</para>
/// </summary>
internal sealed record FleetUtilization(
    int ReadyPods,
    int WarmingPods,
    int FreshPods,
    int StalePods,
    double EstimatedBusy,
    double? Utilization,
    int QueueDepth)
{
    /// <summary>True when every ready pod has a fresh sample; only then may the fleet shrink.</summary>
    public bool IsComplete => ReadyPods > 0 && StalePods == 0;

    /// <summary>True when at least one ready pod has a fresh sample.</summary>
    public bool HasMetrics => FreshPods > 0;

    /// <summary>Waiting requests per ready pod, measured on the pods with fresh samples.</summary>
    public double QueuePerReadyPod => FreshPods == 0 ? 0 : (double)QueueDepth / FreshPods;

    /// <summary>Waiting requests across all ready pods; stale pods are assumed to queue like fresh ones.</summary>
    public double EstimatedQueue => QueuePerReadyPod * ReadyPods;
}
