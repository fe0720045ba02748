using System.Text.Json.Serialization;

namespace SlmFleet.Router.OpenAi;

/// <summary>A non-streamed chat completion (or text completion, with <see cref="Object"/> <c>text_completion</c>).</summary>
internal sealed class ChatCompletionResponse
{
    [JsonPropertyName("id")]
    public string Id { get; set; } = string.Empty;

    [JsonPropertyName("object")]
    public string Object { get; set; } = "chat.completion";

    [JsonPropertyName("created")]
    public long Created { get; set; }

    [JsonPropertyName("model")]
    public string Model { get; set; } = string.Empty;

    [JsonPropertyName("choices")]
    public List<ChoiceDto> Choices { get; set; } = [];

    [JsonPropertyName("usage")]
    public UsageDto? Usage { get; set; }
}
