using System.Text.Json.Serialization;

namespace SlmFleet.Router.OpenAi;

/// <summary>OpenAI's error body: <c>{"error":{"message","type","param","code"}}</c>.</summary>
internal sealed class ErrorEnvelope
{
    [JsonPropertyName("error")]
    public ErrorDetail Error { get; set; } = new();
}
