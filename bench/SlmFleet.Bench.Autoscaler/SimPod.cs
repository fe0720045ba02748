namespace SlmFleet.Bench.Autoscaler;

/// <summary>One simulated replica: ready from <see cref="ReadyAt"/> (seconds), plus its last metrics sample.</summary>
internal sealed class SimPod(string name, double readyAt)
{
    public string Name { get; } = name;

    public double ReadyAt { get; } = readyAt;

    public double? Utilization { get; set; }

    public int? QueueDepth { get; set; }

    public double? SampleTime { get; set; }

    public bool IsReady(double now) => now >= ReadyAt;
}
