using System.Text.Json;

namespace SlmFleet.Router.Llm;

/// <summary>Reads <c>choices[0].message.content</c> (or <c>choices[0].text</c>) from a non-streamed OpenAI answer.</summary>
internal static class LlmAnswerReader
{
    public static string? Content(ReadOnlySpan<byte> json)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            using var document = JsonDocument.ParseValue(ref reader);
            if (!document.RootElement.TryGetProperty("choices", out var choices) || choices.ValueKind != JsonValueKind.Array || choices.GetArrayLength() == 0)
            {
                return null;
            }

            var first = choices[0];
            if (first.TryGetProperty("message", out var message) && message.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String)
            {
                return content.GetString();
            }

            return first.TryGetProperty("text", out var text) && text.ValueKind == JsonValueKind.String ? text.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
