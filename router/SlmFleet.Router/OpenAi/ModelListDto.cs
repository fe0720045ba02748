using System.Text.Json.Serialization;

namespace SlmFleet.Router.OpenAi;

/// <summary><c>GET /v1/models</c>.</summary>
internal sealed class ModelListDto
{
    [JsonPropertyName("object")]
    public string Object { get; set; } = "list";

    [JsonPropertyName("data")]
    public List<ModelDto> Data { get; set; } = [];
}
