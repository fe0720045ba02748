using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace SlmFleet.Api.V1Alpha1;

/// <summary>
/// When an SLM answer goes to the LLM instead. Every escalation carries a reason:
/// <c>low_confidence</c>, <c>schema_fail</c>, <c>timeout</c>, <c>unavailable</c> or <c>rule</c>.
/// </summary>
public sealed class EscalationSpec
{
    /// <summary>Escalate when the SLM's measured confidence (label probability or mean token probability) is below this.</summary>
    [Range(0.0, 1.0)]
    [DefaultValue(0.85)]
    [JsonPropertyName("confidenceThreshold")]
    public double ConfidenceThreshold { get; set; } = 0.85;

    /// <summary>
    /// Which aggregate of token probabilities is compared for generation: <c>mean</c> or <c>min</c>
    /// (classification always uses the top label's probability).
    /// </summary>
    [AllowedValues("mean", "min")]
    [DefaultValue("mean")]
    [JsonPropertyName("confidenceAggregate")]
    public string ConfidenceAggregate { get; set; } = "mean";

    /// <summary>SLM retries when the answer fails the request's JSON schema, before escalating with <c>schema_fail</c>.</summary>
    [Range(0, 3)]
    [DefaultValue(1)]
    [JsonPropertyName("schemaRetries")]
    public int SchemaRetries { get; set; } = 1;

    /// <summary>Escalate on SLM timeout (otherwise answer 504).</summary>
    [DefaultValue(true)]
    [JsonPropertyName("onTimeout")]
    public bool OnTimeout { get; set; } = true;

    /// <summary>Escalate when no SLM replica is ready or the call fails (otherwise answer 503).</summary>
    [DefaultValue(true)]
    [JsonPropertyName("onUnavailable")]
    public bool OnUnavailable { get; set; } = true;

    /// <summary>Calibrate the threshold from shadow traffic (recommend, or apply with <c>mode: auto</c>).</summary>
    [JsonPropertyName("calibration")]
    public CalibrationSpec? Calibration { get; set; }
}
