using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace SlmFleet.Api.V1Alpha1;

/// <summary>The SlmDeployment that serves a policy's SLM traffic.</summary>
public sealed class SlmTargetSpec
{
    /// <summary>The SlmDeployment, in the policy's namespace.</summary>
    [Required]
    [JsonPropertyName("deploymentRef")]
    public LocalObjectReference DeploymentRef { get; set; } = new();

    /// <summary>How long the SLM may take before the request escalates with reason <c>timeout</c>, in milliseconds (for a streamed answer: until its hold-back window closes).</summary>
    [Range(50, 600000)]
    [DefaultValue(10000)]
    [JsonPropertyName("timeoutMilliseconds")]
    public int TimeoutMilliseconds { get; set; } = 10000;

    /// <summary>The hold-back window of streamed answers: tokens withheld while their confidence is measured; the timeout runs until it closes.</summary>
    [JsonPropertyName("holdBack")]
    public HoldBackSpec HoldBack { get; set; } = new();

    /// <summary>Requests that find the SlmDeployment scaled to zero: hold until a replica is ready, or escalate with reason <c>cold_start</c>.</summary>
    [JsonPropertyName("coldStart")]
    public ColdStartSpec ColdStart { get; set; } = new();
}
