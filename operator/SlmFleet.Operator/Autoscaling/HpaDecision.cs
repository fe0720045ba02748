namespace SlmFleet.Operator.Autoscaling;

/// <summary>HPA's outcome: the replica count after stabilization, rate limits and bounds.</summary>
internal sealed record HpaDecision(int DesiredReplicas, int Recommended, HpaState State);
