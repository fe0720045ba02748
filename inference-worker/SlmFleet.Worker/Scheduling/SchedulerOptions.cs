namespace SlmFleet.Worker.Scheduling;

/// <summary>Limits of the continuous-batching scheduler.</summary>
internal sealed record SchedulerOptions(int MaxBatch, int MaxQueue);
