namespace SlmFleet.Bench.Autoscaler;

/// <summary>
/// One trace re-drawn with several seeds (its noise and its request arrivals), so a figure is not the
/// luck of one draw: the autoscaler and the HPA baseline on each, summarised by mean and worst.
/// </summary>
internal sealed record SeedSweep(string TraceName, IReadOnlyList<int> Seeds, IReadOnlyList<SimulationResult> Autoscaler, IReadOnlyList<SimulationResult> Hpa)
{
    /// <summary>Seeds after the run's own seed that every trace is re-drawn with.</summary>
    public const int Count = 8;
}
