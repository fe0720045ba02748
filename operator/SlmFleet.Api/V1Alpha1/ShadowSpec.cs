using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using SlmFleet.Api.Schema;
using SlmFleet.Api.Validation;

namespace SlmFleet.Api.V1Alpha1;

/// <summary>
/// Shadow mode: after answering, a sampled copy of the request goes to the other side and the two
/// answers are compared. The client's response is never affected.
/// </summary>
[CelRule(CrossFieldRules.ShadowSamples, "sampleRate must be greater than 0 when shadow is enabled", FieldPath = ".sampleRate")]
public sealed class ShadowSpec
{
    /// <summary>Turns shadow comparison on.</summary>
    [DefaultValue(false)]
    [JsonPropertyName("enabled")]
    public bool Enabled { get; set; }

    /// <summary>Fraction of requests copied to the other side (0–1).</summary>
    [Range(0.0, 1.0)]
    [DefaultValue(0.05)]
    [JsonPropertyName("sampleRate")]
    public double SampleRate { get; set; } = 0.05;

    /// <summary>
    /// How agreement is scored: <c>heuristic</c> (label or JSON equality, token overlap for text) or
    /// <c>llm</c> (the LLM grades the SLM's answer against its own; its cost counts against the budget).
    /// </summary>
    [AllowedValues("heuristic", "llm")]
    [DefaultValue("heuristic")]
    [JsonPropertyName("judge")]
    public string Judge { get; set; } = "heuristic";
}
