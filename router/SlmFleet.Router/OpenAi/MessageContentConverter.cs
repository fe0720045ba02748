using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace SlmFleet.Router.OpenAi;

/// <summary>
/// Reads a message's <c>content</c> (a string, null, or an array of parts) straight into a
/// <see cref="MessageContent"/>, without building a JSON document per message on the hot path. Text
/// parts are joined; image, audio and file parts are recorded by type (they route the request to the
/// LLM, untouched); any other part type is refused.
/// </summary>
internal sealed class MessageContentConverter : JsonConverter<MessageContent?>
{
    private static readonly string[] NonTextTypes = ["image_url", "input_audio", "file"];

    public override bool HandleNull => true;

    public override MessageContent? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return null;
            case JsonTokenType.String:
                return new MessageContent(reader.GetString()!, null);
            case JsonTokenType.StartArray:
                return ReadParts(ref reader);
            default:
                throw new JsonException("expected a string or an array of content parts like {\"type\":\"text\",\"text\":...}.");
        }
    }

    public override void Write(Utf8JsonWriter writer, MessageContent? value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(value?.Text);
    }

    private static MessageContent ReadParts(ref Utf8JsonReader reader)
    {
        var text = new StringBuilder();
        string? nonText = null;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                throw new JsonException("content parts must be objects like {\"type\":\"text\",\"text\":...}.");
            }

            string? type = null;
            string? partText = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isType = reader.ValueTextEquals("type"u8);
                var isText = reader.ValueTextEquals("text"u8);
                reader.Read();
                if (isType && reader.TokenType == JsonTokenType.String)
                {
                    type = reader.GetString();
                }
                else if (isText && reader.TokenType == JsonTokenType.String)
                {
                    partText = reader.GetString();
                }
                else
                {
                    reader.Skip();
                }
            }

            if (type is not null && Array.IndexOf(NonTextTypes, type) >= 0)
            {
                nonText ??= type;
                continue;
            }

            if (type != "text" || partText is null)
            {
                throw new JsonException($"content part of type '{type}' is not supported; expected text (with a string 'text'), image_url, input_audio or file parts.");
            }

            text.Append(partText);
        }

        return new MessageContent(text.ToString(), nonText);
    }
}
