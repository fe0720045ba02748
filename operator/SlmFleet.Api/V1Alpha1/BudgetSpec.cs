using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

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
}
