using System.Text.Json;
using System.Text.Json.Serialization;

namespace SlmFleet.Router.OpenAi;

/// <summary><c>response_format.json_schema</c>: a name and the schema the answer must satisfy.</summary>
internal sealed class JsonSchemaFormatDto
{
    [JsonPropertyName("name")]
    public string? Name { get; set; }

    [JsonPropertyName("schema")]
    public JsonElement? Schema { get; set; }

    [JsonPropertyName("strict")]
    public bool? Strict { get; set; }
}
