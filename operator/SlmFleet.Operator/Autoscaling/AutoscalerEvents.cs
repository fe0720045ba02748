namespace SlmFleet.Operator.Autoscaling;

/// <summary>Event and condition reasons the autoscaler posts on an SlmDeployment.</summary>
internal static class AutoscalerEvents
{
    public const string ScaledUp = "ScaledUp";
    public const string ScaledDown = "ScaledDown";

    /// <summary>Event reason when the metrics call for more than <c>maxReplicas</c>.</summary>
    public const string ScalingLimited = "ScalingLimited";

    /// <summary>
    /// Reason of the <c>ScalingLimited=True</c> condition the autoscaler owns. The reconciler keeps a
    /// condition with this reason while spec.replicas is within bounds (it cannot see the metrics).
    /// </summary>
    public const string MaxReplicasReached = "MaxReplicasReached";
}
