using System.Text.Json.Serialization;

namespace SlmFleet.Router.OpenAi;

/// <summary>One entry of <c>GET /v1/models</c>.</summary>
internal sealed class ModelDto
{
    [JsonPropertyName("id")]
    public string Id { get; set; } = string.Empty;

    [JsonPropertyName("object")]
    public string Object { get; set; } = "model";

    [JsonPropertyName("created")]
    public long Created { get; set; }

    [JsonPropertyName("owned_by")]
    public string OwnedBy { get; set; } = "slm-fleet";
}
