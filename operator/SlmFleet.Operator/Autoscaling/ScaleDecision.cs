namespace SlmFleet.Operator.Autoscaling;

/// <summary>
/// The outcome of one autoscaling decision.
/// <para><see cref="Clamped"/> is true when maxReplicas cut the count the metrics called for; the
/// operator reports it as the <c>ScalingLimited</c> condition.</para>
/// </summary>
internal sealed record ScaleDecision(
    int DesiredReplicas,
    int CurrentReplicas,
    ScaleReason Reason,
    string Message,
    bool Clamped,
    FleetUtilization Utilization,
    AutoscalerState State)
{
    /// <summary>True when the decision changes the replica count.</summary>
    public bool Changes => DesiredReplicas != CurrentReplicas;
}
