using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace SlmFleet.Api.V1Alpha1;

/// <summary>
/// A promotion gate for a model change: a candidate SlmDeployment that receives shadow traffic only.
/// A sampled share of requests is sent to it after the client has its answer, and its answer is
/// compared with the one the client got (the reference side). The operator tracks the agreement in
/// <c>status.candidate</c> and sets <c>CandidateReady</c> when its 95 % Wilson lower bound reaches
/// <c>minAgreement</c> over <c>minSamples</c>. With <c>promotion: automatic</c> the routers then serve
/// the policy from the candidate (<c>status.promotion</c>) until <c>spec.slm.deploymentRef</c> is
/// changed to it; with <c>rollbackBelow</c>, a promoted candidate whose agreement with the LLM (the
/// calibration samples since the switch) falls below it is rolled back, with an Event.
/// </summary>
public sealed class CandidateSpec
{
    /// <summary>The candidate SlmDeployment, in the policy's namespace.</summary>
    [Required]
    [JsonPropertyName("deploymentRef")]
    public LocalObjectReference DeploymentRef { get; set; } = new();

    /// <summary>Fraction of requests (not streamed) also sent to the candidate.</summary>
    [Range(0.0, 1.0)]
    [DefaultValue(0.1)]
    [JsonPropertyName("sampleRate")]
    public double SampleRate { get; set; } = 0.1;

    /// <summary>The agreement with the reference side the candidate must reach (its Wilson lower bound must).</summary>
    [Range(0.5, 0.999)]
    [DefaultValue(0.95)]
    [JsonPropertyName("minAgreement")]
    public double MinAgreement { get; set; } = 0.95;

    /// <summary>Compared requests needed before the gate can pass.</summary>
    [Range(10, 10000000)]
    [DefaultValue(200)]
    [JsonPropertyName("minSamples")]
    public int MinSamples { get; set; } = 200;

    /// <summary><c>manual</c>: report readiness only; <c>automatic</c>: switch traffic to the candidate once ready.</summary>
    [AllowedValues("manual", "automatic")]
    [DefaultValue("manual")]
    [JsonPropertyName("promotion")]
    public string Promotion { get; set; } = "manual";

    /// <summary>
    /// After an automatic switch: roll back when the SLM's agreement with the LLM since the switch (the
    /// calibration samples; Wilson upper bound over at least minSamples) falls below this. Unset: no rollback.
    /// </summary>
    [Range(0.0, 1.0)]
    [JsonPropertyName("rollbackBelow")]
    public double? RollbackBelow { get; set; }
}
