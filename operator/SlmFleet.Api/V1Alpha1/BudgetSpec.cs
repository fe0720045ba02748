using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using SlmFleet.Api.Schema;
using SlmFleet.Api.Validation;

namespace SlmFleet.Api.V1Alpha1;

/// <summary>Monthly spending limit for the LLM side (escalations, LLM-routed requests, shadow copies and judging).</summary>
public sealed class BudgetSpec
{
    /// <summary>USD per calendar month (UTC).</summary>
    [Required]
    [Range(0.0, 100000000.0)]
    [JsonPropertyName("monthlyUsd")]
    public double MonthlyUsd { get; set; }

    /// <summary>Fraction of the budget at which the alert fires and a Warning Event is posted.</summary>
    [Range(0.01, 1.0)]
    [DefaultValue(0.8)]
    [JsonPropertyName("alertFraction")]
    public double AlertFraction { get; set; } = 0.8;

    /// <summary>
    /// When the budget is spent: <c>slm-only</c> keeps serving from the SLM (escalations are recorded as
    /// <c>budget_exhausted</c>), <c>reject</c> answers LLM-bound requests with 429.
    /// </summary>
    [AllowedValues("slm-only", "reject")]
    [DefaultValue("slm-only")]
    [JsonPropertyName("whenExhausted")]
    public string WhenExhausted { get; set; } = "slm-only";

    /// <summary>
    /// Budget-aware escalation: as the month's spend grows, the confidence threshold follows this curve
    /// (points sorted by <c>spentFraction</c>, interpolated linearly, flat after the last), so fewer
    /// requests escalate as the budget runs out; the threshold in force is the lower of this and the
    /// configured (or calibrated) one, never below <c>thresholdFloor</c>. Before the first point the
    /// curve does not apply. <c>whenExhausted</c> takes over at 100 %.
    /// </summary>
    [MaxLength(16)]
    [ListType("atomic")]
    [CelRule(CrossFieldRules.CurveSorted, "thresholdCurve points must be sorted by spentFraction")]
    [JsonPropertyName("thresholdCurve")]
    public List<ThresholdCurvePoint>? ThresholdCurve { get; set; }

    /// <summary>The budget curve never lowers the threshold below this.</summary>
    [Range(0.0, 1.0)]
    [DefaultValue(0.5)]
    [JsonPropertyName("thresholdFloor")]
    public double ThresholdFloor { get; set; } = 0.5;
}
