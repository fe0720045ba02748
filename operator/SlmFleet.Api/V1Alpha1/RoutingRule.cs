using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace SlmFleet.Api.V1Alpha1;

/// <summary>One routing rule: every condition given must hold for the rule to match.</summary>
public sealed class RoutingRule
{
    /// <summary>Name shown in the <c>x-slmfleet-reason</c> header and metrics when the rule decides.</summary>
    [Required]
    [MinLength(1)]
    [MaxLength(63)]
    [RegularExpression("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    [JsonPropertyName("name")]
    public string Name { get; set; } = string.Empty;

    /// <summary>Conditions on the request.</summary>
    [Required]
    [JsonPropertyName("match")]
    public RuleMatch Match { get; set; } = new();

    /// <summary>Where matching requests go.</summary>
    [Required]
    [AllowedValues("slm", "llm")]
    [JsonPropertyName("target")]
    public string Target { get; set; } = string.Empty;
}
