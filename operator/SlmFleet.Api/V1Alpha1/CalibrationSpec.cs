using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using SlmFleet.Api.Schema;
using SlmFleet.Api.Validation;

namespace SlmFleet.Api.V1Alpha1;

/// <summary>
/// Calibration of the confidence threshold from shadow traffic. The router records, per task type,
/// each shadowed request's SLM confidence and whether the LLM agreed; the operator turns the counts
/// into a table in <c>status.calibration</c>: for each candidate threshold, the share of traffic the
/// SLM would keep and the agreement among it with its Wilson lower bound. The recommendation is the
/// lowest threshold whose lower bound meets <c>targetAgreement</c> over at least <c>minSamples</c>
/// kept samples. <c>mode: auto</c> applies it (within the bounds, only when it moves by at least
/// <c>hysteresis</c>), with an Event on every change; <c>recommend</c> only reports it. Needs
/// <c>shadow.enabled</c>. (A separate mode, rather than <c>confidenceThreshold: auto</c>, keeps the
/// threshold a number in the schema: a number-or-string field cannot be typed in a structural CRD.)
/// </summary>
[CelRule(CrossFieldRules.CalibrationBounds, "minThreshold must be less than or equal to maxThreshold", FieldPath = ".maxThreshold")]
public sealed class CalibrationSpec
{
    /// <summary><c>recommend</c> reports the recommended threshold; <c>auto</c> also applies it.</summary>
    [AllowedValues("recommend", "auto")]
    [DefaultValue("recommend")]
    [JsonPropertyName("mode")]
    public string Mode { get; set; } = "recommend";

    /// <summary>The agreement with the LLM the kept SLM traffic must reach (its 95 % Wilson lower bound must).</summary>
    [Range(0.5, 0.999)]
    [DefaultValue(0.95)]
    [JsonPropertyName("targetAgreement")]
    public double TargetAgreement { get; set; } = 0.95;

    /// <summary>Shadowed samples at or above a threshold needed before it can be recommended.</summary>
    [Range(10, 10000000)]
    [DefaultValue(200)]
    [JsonPropertyName("minSamples")]
    public int MinSamples { get; set; } = 200;

    /// <summary>The lowest threshold <c>auto</c> may apply.</summary>
    [Range(0.0, 1.0)]
    [DefaultValue(0.5)]
    [JsonPropertyName("minThreshold")]
    public double MinThreshold { get; set; } = 0.5;

    /// <summary>The highest threshold <c>auto</c> may apply.</summary>
    [Range(0.0, 1.0)]
    [DefaultValue(0.99)]
    [JsonPropertyName("maxThreshold")]
    public double MaxThreshold { get; set; } = 0.99;

    /// <summary>The smallest move of the recommendation that <c>auto</c> applies (so noise does not flap the threshold).</summary>
    [Range(0.0, 0.5)]
    [DefaultValue(0.02)]
    [JsonPropertyName("hysteresis")]
    public double Hysteresis { get; set; } = 0.02;

    /// <summary>A shadow comparison scoring at or above this counts as agreement (label and JSON comparisons score 0 or 1).</summary>
    [Range(0.01, 1.0)]
    [DefaultValue(0.8)]
    [JsonPropertyName("agreeAt")]
    public double AgreeAt { get; set; } = 0.8;
}
