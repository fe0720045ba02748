using System.Text.Json;

namespace SlmFleet.Router.Llm;

/// <summary>Finds <c>usage.prompt_tokens</c> / <c>usage.completion_tokens</c> in an OpenAI JSON object without building a DOM.</summary>
internal static class UsageReader
{
    public static bool TryRead(ReadOnlySpan<byte> json, out int promptTokens, out int completionTokens)
    {
        promptTokens = 0;
        completionTokens = 0;
        try
        {
            var reader = new Utf8JsonReader(json);
            while (reader.Read())
            {
                if (reader.TokenType != JsonTokenType.PropertyName || reader.CurrentDepth != 1 || !reader.ValueTextEquals("usage"u8))
                {
                    if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1)
                    {
                        reader.Read();
                        reader.Skip();
                    }

                    continue;
                }

                reader.Read();
                return ReadUsageObject(ref reader, out promptTokens, out completionTokens);
            }
        }
        catch (JsonException)
        {
            // A malformed upstream body has no usable usage; spend falls back to zero for it.
        }

        return false;
    }

    /// <summary>Reads a <c>usage</c> value the reader is positioned on; false (reader past the value) when it is not an object.</summary>
    internal static bool ReadUsageObject(ref Utf8JsonReader reader, out int promptTokens, out int completionTokens)
    {
        promptTokens = 0;
        completionTokens = 0;
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return false;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isPrompt = reader.ValueTextEquals("prompt_tokens"u8);
            var isCompletion = reader.ValueTextEquals("completion_tokens"u8);
            reader.Read();
            if (isPrompt && reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var prompt))
            {
                promptTokens = prompt;
            }
            else if (isCompletion && reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var completion))
            {
                completionTokens = completion;
            }
            else
            {
                reader.Skip();
            }
        }

        return true;
    }
}
