namespace SlmFleet.Operator.Autoscaling;

/// <summary>
/// The fleet's estimated busy replicas at one decision (utilization × ready replicas); the
/// stabilization windows size scale-ups by the lowest and scale-downs by the highest of these.
/// </summary>
internal sealed record BusySample(DateTimeOffset Time, double Busy);
