using System.Text.Json;

namespace SlmFleet.Router.Llm;

/// <summary>
/// Rewrites a client's request body for the LLM in one forward pass: <c>model</c> becomes the LLM's
/// model, <c>metadata</c> (routing hints for this router) is dropped, a streamed request always asks for
/// a usage chunk (<c>stream_options.include_usage: true</c>, whatever the client sent: spend is counted
/// from it; <see cref="LlmForwarder"/> drops the chunk again when the client did not ask for it), and
/// everything else is copied token by token unchanged.
/// </summary>
internal static class LlmRequestRewriter
{
    private static readonly JsonEncodedText ModelName = JsonEncodedText.Encode("model");
    private static readonly JsonEncodedText StreamOptionsName = JsonEncodedText.Encode("stream_options");
    private static readonly JsonEncodedText IncludeUsageName = JsonEncodedText.Encode("include_usage");
    private static readonly JsonEncodedText StreamName = JsonEncodedText.Encode("stream");

    public static void Rewrite(ReadOnlySpan<byte> body, string llmModel, bool forceStream, bool? streamValue, System.Buffers.IBufferWriter<byte> output)
    {
        var reader = new Utf8JsonReader(body);
        using var writer = new Utf8JsonWriter(output, new JsonWriterOptions { SkipValidation = true });
        reader.Read();
        writer.WriteStartObject();
        var wroteModel = false;
        var streaming = false;
        var hadStreamOptions = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("model"u8))
            {
                reader.Skip();
                writer.WriteString(ModelName, llmModel);
                wroteModel = true;
                continue;
            }

            if (reader.ValueTextEquals("metadata"u8))
            {
                reader.Read();
                reader.Skip();
                continue;
            }

            if (reader.ValueTextEquals("stream"u8) && forceStream)
            {
                reader.Read();
                continue;
            }

            if (reader.ValueTextEquals("stream"u8))
            {
                writer.WritePropertyName(StreamName);
                reader.Read();
                streaming = reader.TokenType == JsonTokenType.True;
                writer.WriteBooleanValue(streaming);
                continue;
            }

            if (reader.ValueTextEquals("stream_options"u8))
            {
                reader.Read();
                if (forceStream && streamValue != true)
                {
                    // A non-streamed copy (shadow, judge) must not carry options that only streams accept.
                    reader.Skip();
                    continue;
                }

                WriteStreamOptions(ref reader, writer, body);
                hadStreamOptions = true;
                continue;
            }

            writer.WritePropertyName(reader.ValueSpan);
            reader.Read();
            CopyValue(ref reader, writer, body);
        }

        if (!wroteModel)
        {
            writer.WriteString(ModelName, llmModel);
        }

        if (forceStream)
        {
            streaming = streamValue == true;
            writer.WriteBoolean(StreamName, streaming);
        }

        if (streaming && !hadStreamOptions)
        {
            writer.WriteStartObject(StreamOptionsName);
            writer.WriteBoolean(IncludeUsageName, true);
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
        writer.Flush();
    }

    /// <summary>Copies the client's <c>stream_options</c> members except <c>include_usage</c>, which is always true upstream.</summary>
    private static void WriteStreamOptions(ref Utf8JsonReader reader, Utf8JsonWriter writer, ReadOnlySpan<byte> body)
    {
        writer.WriteStartObject(StreamOptionsName);
        if (reader.TokenType == JsonTokenType.StartObject)
        {
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("include_usage"u8))
                {
                    reader.Read();
                    reader.Skip();
                    continue;
                }

                writer.WritePropertyName(reader.ValueSpan);
                reader.Read();
                CopyValue(ref reader, writer, body);
            }
        }
        else
        {
            // null (or a wrong type the parser let through): replaced by an object asking for usage.
            reader.Skip();
        }

        writer.WriteBoolean(IncludeUsageName, true);
        writer.WriteEndObject();
    }

    private static void CopyValue(ref Utf8JsonReader reader, Utf8JsonWriter writer, ReadOnlySpan<byte> body)
    {
        // The body is one contiguous span, so a value's raw bytes run from its first token to BytesConsumed.
        var start = (int)reader.TokenStartIndex;
        if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
        {
            reader.Skip();
        }

        writer.WriteRawValue(body[start..(int)reader.BytesConsumed], skipInputValidation: true);
    }
}
