namespace SlmFleet.Bench.Autoscaler;

/// <summary>One trace's results for the SLM Fleet autoscaler and the HPA baseline.</summary>
internal sealed record TraceReport(LoadTrace Trace, SimulationResult Autoscaler, SimulationResult Hpa);
