using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace SlmFleet.Api.V1Alpha1;

/// <summary>
/// The shape of the transformer, as in the export's <c>genai_config.json</c>; the KV cache per token is
/// 2 × layers × kvHeads × headSize × 2 bytes (fp16 cache).
/// </summary>
public sealed class ModelArchitectureSpec
{
    /// <summary>Number of decoder layers.</summary>
    [Required]
    [Range(1, 512)]
    [JsonPropertyName("layers")]
    public int Layers { get; set; }

    /// <summary>Number of key/value heads (fewer than attention heads under grouped-query attention).</summary>
    [Required]
    [Range(1, 512)]
    [JsonPropertyName("kvHeads")]
    public int KvHeads { get; set; }

    /// <summary>Dimension of one attention head.</summary>
    [Required]
    [Range(1, 1024)]
    [JsonPropertyName("headSize")]
    public int HeadSize { get; set; }
}
