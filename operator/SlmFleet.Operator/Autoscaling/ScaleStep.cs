namespace SlmFleet.Operator.Autoscaling;

/// <summary>A rule's outcome inside <see cref="AutoscalerDecision"/>, before the min/max bounds apply.</summary>
internal sealed record ScaleStep(int Replicas, ScaleReason Reason, string Message, AutoscalerState State);
