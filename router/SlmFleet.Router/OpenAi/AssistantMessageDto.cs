using System.Text.Json.Serialization;

namespace SlmFleet.Router.OpenAi;

/// <summary>An answer message (or a streamed delta of one).</summary>
internal sealed class AssistantMessageDto
{
    [JsonPropertyName("role")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Role { get; set; }

    [JsonPropertyName("content")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Content { get; set; }
}
