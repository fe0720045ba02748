using System.Text.Json.Serialization;

namespace SlmFleet.Bench.Operator;

/// <summary>The <c>real_control_plane</c> object of bench/results/operator.json (see <see cref="ControlPlaneBenchmark"/>).</summary>
internal sealed record ControlPlaneResult(
    [property: JsonPropertyName("objects")] int Objects,
    [property: JsonPropertyName("nodes")] int Nodes,
    [property: JsonPropertyName("apply_seconds")] double ApplySeconds,
    [property: JsonPropertyName("converge_seconds_after_apply")] double ConvergeSecondsAfterApply,
    [property: JsonPropertyName("operator_cpu_seconds_to_converge")] double OperatorCpuSecondsToConverge,
    [property: JsonPropertyName("control_plane_cpu_seconds_to_converge")] double? ControlPlaneCpuSecondsToConverge,
    [property: JsonPropertyName("requests_per_object")] double RequestsPerObject,
    [property: JsonPropertyName("reads_per_object")] double ReadsPerObject,
    [property: JsonPropertyName("writes_per_object")] double WritesPerObject,
    [property: JsonPropertyName("requests_per_object_to_converge")] double RequestsPerObjectToConverge,
    [property: JsonPropertyName("progress_status_writes_per_object")] double ProgressStatusWritesPerObject,
    [property: JsonPropertyName("requests_until_converged")] IReadOnlyDictionary<string, long> RequestsUntilConverged,
    [property: JsonPropertyName("settle_seconds_after_apply")] double SettleSecondsAfterApply,
    [property: JsonPropertyName("requests_per_object_until_settled")] double RequestsPerObjectUntilSettled,
    [property: JsonPropertyName("writes_per_object_until_settled")] double WritesPerObjectUntilSettled,
    [property: JsonPropertyName("steady_state_seconds")] int SteadyStateSeconds,
    [property: JsonPropertyName("steady_state_writes")] long SteadyStateWrites,
    [property: JsonPropertyName("steady_state_reads")] long SteadyStateReads,
    [property: JsonPropertyName("steady_state_reconciles")] long SteadyStateReconciles,
    [property: JsonPropertyName("peak_rss_mb")] double PeakRssMb)
{
    /// <summary>The converge phase again on fresh control planes, after this run (the converge time depends on the machine's load).</summary>
    [JsonPropertyName("converge_repeats")]
    public IReadOnlyList<ConvergeRun> ConvergeRepeats { get; init; } = [];
}
