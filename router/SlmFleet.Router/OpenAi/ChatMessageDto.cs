using System.Text.Json;
using System.Text.Json.Serialization;

namespace SlmFleet.Router.OpenAi;

/// <summary>One chat message; <c>content</c> is a string or an array of content parts.</summary>
internal sealed class ChatMessageDto
{
    [JsonPropertyName("role")]
    public string? Role { get; set; }

    /// <summary>The message's parts as read (text joined, and the first non-text part's type); written back as the text.</summary>
    [JsonPropertyName("content")]
    [JsonConverter(typeof(MessageContentConverter))]
    public MessageContent? Parts { get; set; }

    /// <summary>The message's text (text parts joined); non-text parts are not in it.</summary>
    [JsonIgnore]
    public string? Content
    {
        get => Parts?.Text;
        set => Parts = value is null ? null : new MessageContent(value, null);
    }

    /// <summary>An assistant turn that called tools (only the LLM can continue such a conversation).</summary>
    [JsonPropertyName("tool_calls")]
    public JsonElement? ToolCalls { get; set; }

    /// <summary>A tool turn's reference to the call it answers.</summary>
    [JsonPropertyName("tool_call_id")]
    public string? ToolCallId { get; set; }
}
