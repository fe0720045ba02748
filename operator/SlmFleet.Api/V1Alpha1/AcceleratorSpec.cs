using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace SlmFleet.Api.V1Alpha1;

/// <summary>The accelerator every replica gets.</summary>
public sealed class AcceleratorSpec
{
    /// <summary>
    /// <c>nvidia-t4</c> (16 GiB, AWS g4dn), <c>nvidia-a10g</c> (24 GiB, g5), <c>nvidia-l4</c> (24 GiB, g6)
    /// or <c>cpu</c> (no GPU; for demos and tests).
    /// </summary>
    [Required]
    [AllowedValues("nvidia-t4", "nvidia-a10g", "nvidia-l4", "cpu")]
    [JsonPropertyName("type")]
    public string Type { get; set; } = string.Empty;

    /// <summary>GPUs per replica (<c>nvidia.com/gpu</c> limit). Ignored for <c>cpu</c>.</summary>
    [Range(1, 8)]
    [DefaultValue(1)]
    [JsonPropertyName("count")]
    public int Count { get; set; } = 1;

    /// <summary>Overrides the catalog's instance types used for node affinity on <c>node.kubernetes.io/instance-type</c>.</summary>
    [MaxLength(32)]
    [JsonPropertyName("instanceTypes")]
    public List<string>? InstanceTypes { get; set; }
}
