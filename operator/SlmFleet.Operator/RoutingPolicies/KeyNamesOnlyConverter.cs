using System.Text.Json;
using System.Text.Json.Serialization;

namespace SlmFleet.Operator.RoutingPolicies;

/// <summary>Reads a JSON object as the list of its property names, skipping every value unread.</summary>
internal sealed class KeyNamesOnlyConverter : JsonConverter<List<string>>
{
    public override List<string>? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException($"Secret data: expected an object, got {reader.TokenType}.");
        }

        var names = new List<string>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            names.Add(reader.GetString()!);
            reader.Read();
            reader.Skip();
        }

        return names;
    }

    /// <summary>Writes the names with empty values: the type exists to read, never to write Secrets.</summary>
    public override void Write(Utf8JsonWriter writer, List<string> value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(value);
        writer.WriteStartObject();
        foreach (var name in value)
        {
            writer.WriteString(name, string.Empty);
        }

        writer.WriteEndObject();
    }
}
