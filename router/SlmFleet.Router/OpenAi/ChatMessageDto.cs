using System.Text.Json.Serialization;

namespace SlmFleet.Router.OpenAi;

/// <summary>One chat message; <c>content</c> is a string or an array of content parts.</summary>
internal sealed class ChatMessageDto
{
    [JsonPropertyName("role")]
    public string? Role { get; set; }

    [JsonPropertyName("content")]
    [JsonConverter(typeof(MessageContentConverter))]
    public string? Content { get; set; }
}
