namespace SlmFleet.Operator.Autoscaling;

/// <summary>What one worker reported through its <c>Stats</c> RPC (the fields the autoscaler uses).</summary>
/// <param name="Utilization">Capacity utilization over the worker's window (demand ÷ batch slots, 0..2; the aggregator caps it at 1 and counts the queue apart), or the duty cycle from a worker too old to report it.</param>
/// <param name="QueueDepth">Requests waiting for a sequence slot.</param>
/// <param name="TokensPerSecond">Tokens generated per second over the window.</param>
internal sealed record WorkerStats(double Utilization, int QueueDepth, double TokensPerSecond);
