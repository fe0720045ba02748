namespace SlmFleet.Operator.Autoscaling;

/// <summary>What one worker reported through its <c>Stats</c> RPC (the fields the autoscaler uses).</summary>
/// <param name="Utilization">Busy fraction of the engine over the worker's window, 0..1.</param>
/// <param name="QueueDepth">Requests waiting for a sequence slot.</param>
/// <param name="TokensPerSecond">Tokens generated per second over the window.</param>
internal sealed record WorkerStats(double Utilization, int QueueDepth, double TokensPerSecond);
