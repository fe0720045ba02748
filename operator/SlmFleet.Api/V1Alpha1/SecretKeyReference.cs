using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace SlmFleet.Api.V1Alpha1;

/// <summary>A key inside a Secret in the resource's namespace. The value is mounted, never copied into status or logs.</summary>
public sealed class SecretKeyReference
{
    /// <summary>Name of the Secret.</summary>
    [Required]
    [MinLength(1)]
    [MaxLength(253)]
    [RegularExpression("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")]
    [JsonPropertyName("name")]
    public string Name { get; set; } = string.Empty;

    /// <summary>
    /// Key within the Secret's data. When omitted: <c>token</c> for model sources, <c>api-key</c> for LLM endpoints.
    /// </summary>
    [MinLength(1)]
    [MaxLength(253)]
    [RegularExpression("^[-._a-zA-Z0-9]+$")]
    [JsonPropertyName("key")]
    public string? Key { get; set; }
}
