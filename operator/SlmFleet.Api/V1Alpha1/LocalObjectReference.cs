using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace SlmFleet.Api.V1Alpha1;

/// <summary>A reference to an object by name in the same namespace.</summary>
public sealed class LocalObjectReference
{
    /// <summary>Name of the object.</summary>
    [Required]
    [MinLength(1)]
    [MaxLength(253)]
    [RegularExpression("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")]
    [JsonPropertyName("name")]
    public string Name { get; set; } = string.Empty;
}
