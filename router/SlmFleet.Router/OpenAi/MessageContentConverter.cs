using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace SlmFleet.Router.OpenAi;

/// <summary>
/// Reads a message's <c>content</c> (a string, null, or an array of <c>{"type":"text","text":...}</c>
/// parts) straight into a string, without building a JSON document per message on the hot path.
/// </summary>
internal sealed class MessageContentConverter : JsonConverter<string?>
{
    public override bool HandleNull => true;

    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return null;
            case JsonTokenType.String:
                return reader.GetString();
            case JsonTokenType.StartArray:
                return ReadParts(ref reader);
            default:
                throw new JsonException("expected a string or an array of {\"type\":\"text\",\"text\":...} parts.");
        }
    }

    public override void Write(Utf8JsonWriter writer, string? value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(value);
    }

    private static string ReadParts(ref Utf8JsonReader reader)
    {
        var text = new StringBuilder();
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

            if (type != "text" || partText is null)
            {
                throw new JsonException($"content part of type '{type}' is not supported; only {{\"type\":\"text\",\"text\":...}} parts are.");
            }

            text.Append(partText);
        }

        return text.ToString();
    }
}
