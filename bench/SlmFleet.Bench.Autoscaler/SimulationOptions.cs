namespace SlmFleet.Bench.Autoscaler;

/// <summary>Knobs of the fleet simulation (times in seconds).</summary>
internal sealed record SimulationOptions
{
    /// <summary>Requests per second one replica serves at full utilization.</summary>
    public required double ServiceRate { get; init; }

    /// <summary>
    /// Requests one replica runs at once: the worker's --max-batch (default 16). A request holds a slot for
    /// <see cref="SlotSeconds"/>, so a full replica serves <see cref="ServiceRate"/> requests/s, and
    /// capacity utilization (running + waiting over slots) is what the worker reports to the operator.
    /// </summary>
    public int BatchSlots { get; init; } = 16;

    /// <summary>
    /// How long one request holds its batch slot: slots / service rate (Little's law at a full batch).
    /// Simplification: a real worker runs a small batch faster per sequence than a full one.
    /// </summary>
    public double SlotSeconds => BatchSlots / ServiceRate;

    public int MinReplicas { get; init; } = 2;

    public int MaxReplicas { get; init; } = 64;

    public double WarmupMin { get; init; } = 60;

    public double WarmupMax { get; init; } = 180;

    /// <summary>How often the operator reads the pods and decides (HPA's default sync period).</summary>
    public int SamplePeriod { get; init; } = 15;

    /// <summary>The window a worker's capacity utilization is time-averaged over.</summary>
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

    /// <summary>
    /// From the first request that finds no replica at all to the operator's 0 → 1 scale: the router
    /// writes the demand annotation, the operator's watch reacts to it.
    /// </summary>
    public double DemandReactionSeconds { get; init; } = 1;

    /// <summary>Warm-ups measured on earlier starts that the operator's prediction begins with.</summary>
    public int PriorWarmUps { get; init; } = 10;

    /// <summary>The most recent measured warm-ups the prediction is taken over.</summary>
    public int RecentWarmUps { get; init; } = 20;
}
