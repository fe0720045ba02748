namespace SlmFleet.Bench.Autoscaler;

/// <summary>
/// One simulated replica: created at <see cref="StartedAt"/> (null for the pods the fleet starts with,
/// warm from before the trace), ready from <see cref="ReadyAt"/> (seconds), plus its last metrics sample.
/// </summary>
internal sealed class SimPod(string name, double? startedAt, double readyAt)
{
    public string Name { get; } = name;

    public double? StartedAt { get; } = startedAt;

    public double ReadyAt { get; } = readyAt;

    /// <summary>Whether the operator has already taken this pod's warm-up into its prediction.</summary>
    public bool WarmUpMeasured { get; set; }

    public double? Utilization { get; set; }

    public int? QueueDepth { get; set; }

    public double? SampleTime { get; set; }

    public bool IsReady(double now) => now >= ReadyAt;
}
