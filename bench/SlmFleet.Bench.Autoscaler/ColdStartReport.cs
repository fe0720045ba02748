namespace SlmFleet.Bench.Autoscaler;

/// <summary>The scale-from-zero trace and one run per cold-start policy on it.</summary>
internal sealed record ColdStartReport(LoadTrace Trace, IReadOnlyList<SimulationResult> Runs);
