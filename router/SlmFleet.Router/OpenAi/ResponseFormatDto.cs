using System.Text.Json.Serialization;

namespace SlmFleet.Router.OpenAi;

/// <summary><c>response_format</c>: <c>text</c>, <c>json_object</c> or <c>json_schema</c>.</summary>
internal sealed class ResponseFormatDto
{
    [JsonPropertyName("type")]
    public string? Type { get; set; }

    [JsonPropertyName("json_schema")]
    public JsonSchemaFormatDto? JsonSchema { get; set; }
}
