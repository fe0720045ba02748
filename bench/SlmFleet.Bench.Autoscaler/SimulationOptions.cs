namespace SlmFleet.Bench.Autoscaler;

/// <summary>Knobs of the fleet simulation (times in seconds).</summary>
internal sealed record SimulationOptions
{
    /// <summary>Requests per second one replica serves at full utilization.</summary>
    public required double ServiceRate { get; init; }

    public int MinReplicas { get; init; } = 2;

    public int MaxReplicas { get; init; } = 64;

    public double WarmupMin { get; init; } = 60;

    public double WarmupMax { get; init; } = 180;

    /// <summary>How often the operator reads the pods and decides (HPA's default sync period).</summary>
    public int SamplePeriod { get; init; } = 15;

    /// <summary>The window a worker's utilization (busy fraction) is measured over.</summary>
    public int UtilizationWindow { get; init; } = 30;

    /// <summary>Probability that one pod's metrics read fails in one sample (its last sample ages).</summary>
    public double MissedSampleProbability { get; init; } = 0.02;

    /// <summary>
    /// The fleet queue's bound (router side), in seconds of the fleet's full-scale throughput, so the
    /// bound keeps its meaning whatever service rate the worker benchmark measured.
    /// </summary>
    public double QueueSeconds { get; init; } = 32;

    /// <summary>Waiting requests the fleet's queue holds before it drops: 16,384 at 8 req/s and 64 replicas.</summary>
    public int QueueCapacity => (int)Math.Ceiling(QueueSeconds * ServiceRate * MaxReplicas);

    /// <summary>A request waiting longer than this before service starts is an SLO miss.</summary>
    public double SloSeconds { get; init; } = 2.0;

    public double BandLow { get; init; } = 0.60;

    public double BandHigh { get; init; } = 0.80;

    /// <summary>Minutes left out of time-in-band at the start, while the first decisions settle.</summary>
    public int SettlingMinutes { get; init; } = 10;
}
