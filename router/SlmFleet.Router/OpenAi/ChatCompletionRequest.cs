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

    /// <summary>How many choices to generate (OpenAI: 1 to 128).</summary>
    [JsonPropertyName("n")]
    public int? N { get; set; }

    /// <summary>Chat: true/false. Completions: how many alternatives per token (0 to 5).</summary>
    [JsonPropertyName("logprobs")]
    public JsonElement? Logprobs { get; set; }

    [JsonPropertyName("top_logprobs")]
    public int? TopLogprobs { get; set; }

    [JsonPropertyName("tools")]
    public JsonElement? Tools { get; set; }

    [JsonPropertyName("tool_choice")]
    public JsonElement? ToolChoice { get; set; }

    /// <summary>The deprecated form of tools.</summary>
    [JsonPropertyName("functions")]
    public JsonElement? Functions { get; set; }

    [JsonPropertyName("function_call")]
    public JsonElement? FunctionCall { get; set; }

    [JsonPropertyName("logit_bias")]
    public JsonElement? LogitBias { get; set; }

    [JsonPropertyName("presence_penalty")]
    public double? PresencePenalty { get; set; }

    [JsonPropertyName("frequency_penalty")]
    public double? FrequencyPenalty { get; set; }

    /// <summary>Output modalities; <c>audio</c> is the LLM's alone.</summary>
    [JsonPropertyName("modalities")]
    public JsonElement? Modalities { get; set; }

    [JsonPropertyName("audio")]
    public JsonElement? Audio { get; set; }

    [JsonPropertyName("web_search_options")]
    public JsonElement? WebSearchOptions { get; set; }

    /// <summary>Completions only: echo the prompt back.</summary>
    [JsonPropertyName("echo")]
    public bool? Echo { get; set; }

    /// <summary>Completions only: generate this many server-side and return the best n.</summary>
    [JsonPropertyName("best_of")]
    public int? BestOf { get; set; }

    /// <summary>Completions only: text after the completion (insertion).</summary>
    [JsonPropertyName("suffix")]
    public string? Suffix { get; set; }
}
