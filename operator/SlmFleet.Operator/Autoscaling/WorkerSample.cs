namespace SlmFleet.Operator.Autoscaling;

/// <summary>The last stats successfully read from one worker pod, and when.</summary>
internal sealed record WorkerSample(WorkerStats Stats, DateTimeOffset Time);
