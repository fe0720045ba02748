using System.Text.Json.Serialization;

namespace SlmFleet.Bench.Operator;

/// <summary>
/// One more apply-and-converge on a fresh real control plane, by the operator
/// (<see cref="ControlPlaneBenchmark.ConvergeOnlyAsync"/>) or by the floor writer (<see cref="ControlPlaneBenchmark.FloorAsync"/>).
/// <c>ProcessCpuSecondsToConverge</c> is the benchmark process's, which sends the creates and runs the controller.
/// </summary>
internal sealed record ConvergeRun(
    [property: JsonPropertyName("controller")] string Controller,
    [property: JsonPropertyName("apply_seconds")] double ApplySeconds,
    [property: JsonPropertyName("converge_seconds_after_apply")] double ConvergeSecondsAfterApply,
    [property: JsonPropertyName("process_cpu_seconds_to_converge")] double ProcessCpuSecondsToConverge,
    [property: JsonPropertyName("control_plane_cpu_seconds_to_converge")] double? ControlPlaneCpuSecondsToConverge,
    [property: JsonPropertyName("requests_per_object_to_converge")] double RequestsPerObjectToConverge,
    [property: JsonPropertyName("load_average")] string LoadAverage)
{
    public const string Operator = "operator";
    public const string Floor = "floor";
}
