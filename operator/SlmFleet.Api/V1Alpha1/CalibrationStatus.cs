using System.Text.Json.Serialization;

namespace SlmFleet.Api.V1Alpha1;

/// <summary>The threshold calibration the operator computed from the routers' shadow counts (see CalibrationSpec).</summary>
public sealed class CalibrationStatus
{
    /// <summary>Shadowed requests with a measured SLM confidence and an agreement verdict, all tasks.</summary>
    [JsonPropertyName("samples")]
    public long? Samples { get; set; }

    /// <summary>The lowest threshold whose agreement lower bound meets the target over enough samples; absent when none does yet.</summary>
    [JsonPropertyName("recommendedThreshold")]
    public double? RecommendedThreshold { get; set; }

    /// <summary>Why there is (or is not) a recommendation, with the numbers.</summary>
    [JsonPropertyName("message")]
    public string? Message { get; set; }

    /// <summary>With <c>mode: auto</c>: the calibrated threshold the routers apply (before the budget curve).</summary>
    [JsonPropertyName("appliedThreshold")]
    public double? AppliedThreshold { get; set; }

    /// <summary>For each candidate threshold: the traffic the SLM would keep and the agreement among it.</summary>
    [JsonPropertyName("table")]
    public List<CalibrationRow>? Table { get; set; }

    /// <summary>The same per task type (from <c>x-task-type</c> / <c>metadata.task_type</c>; <c>none</c> when absent).</summary>
    [JsonPropertyName("tasks")]
    public List<TaskCalibration>? Tasks { get; set; }
}

/// <summary>One candidate threshold of a calibration table.</summary>
public sealed class CalibrationRow
{
    /// <summary>The candidate threshold (a bucket edge).</summary>
    [JsonPropertyName("threshold")]
    public double Threshold { get; set; }

    /// <summary>Shadowed samples at or above the threshold (the traffic the SLM would keep).</summary>
    [JsonPropertyName("samples")]
    public long Samples { get; set; }

    /// <summary>Those samples as a share of all shadowed samples.</summary>
    [JsonPropertyName("keptShare")]
    public double KeptShare { get; set; }

    /// <summary>Agreement with the LLM among those samples.</summary>
    [JsonPropertyName("agreement")]
    public double Agreement { get; set; }

    /// <summary>The 95 % Wilson score lower bound of that agreement.</summary>
    [JsonPropertyName("agreementLowerBound")]
    public double AgreementLowerBound { get; set; }
}

/// <summary>The calibration of one task type.</summary>
public sealed class TaskCalibration
{
    /// <summary>The task type.</summary>
    [JsonPropertyName("task")]
    public string Task { get; set; } = string.Empty;

    /// <summary>Shadowed samples of this task.</summary>
    [JsonPropertyName("samples")]
    public long Samples { get; set; }

    /// <summary>The task's own recommendation (same rule as the policy's), when its samples allow one.</summary>
    [JsonPropertyName("recommendedThreshold")]
    public double? RecommendedThreshold { get; set; }

    /// <summary>With <c>mode: auto</c>: the threshold the routers apply to this task.</summary>
    [JsonPropertyName("appliedThreshold")]
    public double? AppliedThreshold { get; set; }

    /// <summary>The task's calibration table.</summary>
    [JsonPropertyName("table")]
    public List<CalibrationRow>? Table { get; set; }
}
