using System.Text.Json;
using System.Text.Json.Serialization;

namespace SlmFleet.Router.OpenAi;

/// <summary>The subset of OpenAI's chat completion request the router reads; other fields pass through to the LLM untouched.</summary>
internal sealed class ChatCompletionRequest
{
    [JsonPropertyName("model")]
    public string? Model { get; set; }

    [JsonPropertyName("messages")]
    public List<ChatMessageDto>? Messages { get; set; }

    /// <summary>Set only by <c>/v1/completions</c>: a plain prompt instead of messages.</summary>
    [JsonPropertyName("prompt")]
    public JsonElement? Prompt { get; set; }

    [JsonPropertyName("stream")]
    public bool? Stream { get; set; }

    [JsonPropertyName("stream_options")]
    public StreamOptionsDto? StreamOptions { get; set; }

    [JsonPropertyName("max_tokens")]
    public int? MaxTokens { get; set; }

    [JsonPropertyName("max_completion_tokens")]
    public int? MaxCompletionTokens { get; set; }

    [JsonPropertyName("temperature")]
    public double? Temperature { get; set; }

    [JsonPropertyName("top_p")]
    public double? TopP { get; set; }

    [JsonPropertyName("seed")]
    public long? Seed { get; set; }

    [JsonPropertyName("stop")]
    public JsonElement? Stop { get; set; }

    [JsonPropertyName("response_format")]
    public ResponseFormatDto? ResponseFormat { get; set; }

    [JsonPropertyName("metadata")]
    public Dictionary<string, string>? Metadata { get; set; }
}
