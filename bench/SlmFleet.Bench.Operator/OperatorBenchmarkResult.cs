using System.Text.Json.Serialization;

namespace SlmFleet.Bench.Operator;

/// <summary>
/// bench/results/operator.json: the in-process figures at the top level (the keys the first issue
/// named, unchanged), the real control plane's beside them, or why that mode did not run.
/// </summary>
internal sealed record OperatorBenchmarkResult(
    [property: JsonPropertyName("objects")] int Objects,
    [property: JsonPropertyName("converge_seconds")] double ConvergeSeconds,
    [property: JsonPropertyName("requests_per_object")] double RequestsPerObject,
    [property: JsonPropertyName("steady_state_writes")] long SteadyStateWrites,
    [property: JsonPropertyName("peak_rss_mb")] double PeakRssMb,
    [property: JsonPropertyName("real_control_plane")] ControlPlaneResult? RealControlPlane = null,
    [property: JsonPropertyName("real_control_plane_skipped"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? RealControlPlaneSkipped = null);
