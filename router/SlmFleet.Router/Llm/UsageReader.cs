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
                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    return false;
                }

                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var isPrompt = reader.ValueTextEquals("prompt_tokens"u8);
                    var isCompletion = reader.ValueTextEquals("completion_tokens"u8);
                    reader.Read();
                    if (isPrompt && reader.TokenType == JsonTokenType.Number)
                    {
                        promptTokens = reader.GetInt32();
                    }
                    else if (isCompletion && reader.TokenType == JsonTokenType.Number)
                    {
                        completionTokens = reader.GetInt32();
                    }
                    else
                    {
                        reader.Skip();
                    }
                }

                return true;
            }
        }
        catch (JsonException)
        {
            // A malformed upstream body has no usable usage; spend falls back to zero for it.
        }

        return false;
    }
}
