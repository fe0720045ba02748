using System.Text.Json.Serialization;

namespace SlmFleet.Router.OpenAi;

/// <summary>Token usage as OpenAI reports it.</summary>
internal sealed class UsageDto
{
    [JsonPropertyName("prompt_tokens")]
    public int PromptTokens { get; set; }

    [JsonPropertyName("completion_tokens")]
    public int CompletionTokens { get; set; }

    [JsonPropertyName("total_tokens")]
    public int TotalTokens { get; set; }
}
