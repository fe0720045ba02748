using System.Text.Json;

namespace SlmFleet.Router.Llm;

/// <summary>
/// Reads an LLM answer's top level once, without a DOM: where its <c>model</c> string is (so that it can
/// be replaced by the alias the client sent), whether <c>choices</c> is empty and its usage. Nested
/// values are skipped, not read: this runs on every relayed answer and stream chunk.
/// </summary>
internal static class AnswerInspector
{
    /// <summary>False when <paramref name="json"/> is not a JSON object (it is then relayed untouched).</summary>
    public static bool TryInspect(ReadOnlySpan<byte> json, out AnswerShape shape)
    {
        shape = default;
        var modelStart = -1;
        var modelLength = 0;
        var emptyChoices = false;
        var hasUsage = false;
        var prompt = 0;
        var completion = 0;
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("model"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.String)
                    {
                        modelStart = (int)reader.TokenStartIndex;
                        modelLength = (int)reader.BytesConsumed - modelStart;
                    }

                    continue;
                }

                if (reader.ValueTextEquals("usage"u8))
                {
                    reader.Read();
                    hasUsage = UsageReader.ReadUsageObject(ref reader, out prompt, out completion);
                    continue;
                }

                var isChoices = reader.ValueTextEquals("choices"u8);
                reader.Read();
                if (isChoices && reader.TokenType == JsonTokenType.StartArray)
                {
                    reader.Skip();
                    emptyChoices = IsEmptyArray(json, (int)reader.TokenStartIndex);
                    continue;
                }

                reader.Skip();
            }
        }
        catch (JsonException)
        {
            return false;
        }

        shape = new AnswerShape(modelStart, modelLength, emptyChoices, hasUsage, prompt, completion);
        return true;
    }

    /// <summary>Whether the array whose <c>]</c> is at <paramref name="close"/> is <c>[]</c>: only whitespace between the brackets.</summary>
    private static bool IsEmptyArray(ReadOnlySpan<byte> json, int close)
    {
        var i = close - 1;
        while (i >= 0 && json[i] is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r')
        {
            i--;
        }

        return i >= 0 && json[i] == (byte)'[';
    }
}
