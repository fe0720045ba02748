namespace SlmFleet.Bench.Autoscaler;

/// <summary>
/// One trace's results: the SLM Fleet autoscaler with its defaults, the same decision with
/// consolidation off (scale-down only below the low mark, sized for the middle) and the HPA baseline.
/// </summary>
internal sealed record TraceReport(LoadTrace Trace, SimulationResult Autoscaler, SimulationResult StrictBand, SimulationResult Hpa);
