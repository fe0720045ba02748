using System.Text.Json.Serialization;

namespace SlmFleet.Bench.Operator;

/// <summary>bench/results/operator.json: exactly these keys.</summary>
internal sealed record OperatorBenchmarkResult(
    [property: JsonPropertyName("objects")] int Objects,
    [property: JsonPropertyName("converge_seconds")] double ConvergeSeconds,
    [property: JsonPropertyName("requests_per_object")] double RequestsPerObject,
    [property: JsonPropertyName("steady_state_writes")] long SteadyStateWrites,
    [property: JsonPropertyName("peak_rss_mb")] double PeakRssMb);
