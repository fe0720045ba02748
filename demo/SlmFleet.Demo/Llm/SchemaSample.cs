using System.Text.Json;
using System.Text.Json.Nodes;

namespace SlmFleet.Demo.Llm;

/// <summary>
/// A value that satisfies a JSON schema's common keywords (type, properties, items, enum, const,
/// anyOf/oneOf, minimum, minLength, minItems, a few formats): what the stand-in answers for a
/// <c>json_schema</c> response format or a tool's parameters. Not a general generator — a real LLM
/// would fill the fields from the prompt; this fills them with plausible placeholders.
/// </summary>
internal static class SchemaSample
{
    public static JsonNode? For(JsonElement schema, int depth = 0)
    {
        if (schema.ValueKind != JsonValueKind.Object || depth > 8)
        {
            return null;
        }

        if (schema.TryGetProperty("const", out var constant))
        {
            return JsonNode.Parse(constant.GetRawText());
        }

        if (schema.TryGetProperty("enum", out var values) && values.ValueKind == JsonValueKind.Array && values.GetArrayLength() > 0)
        {
            return JsonNode.Parse(values[0].GetRawText());
        }

        foreach (var choice in (string[])["anyOf", "oneOf"])
        {
            if (schema.TryGetProperty(choice, out var options) && options.ValueKind == JsonValueKind.Array && options.GetArrayLength() > 0)
            {
                return For(options[0], depth + 1);
            }
        }

        return TypeOf(schema) switch
        {
            "object" => ObjectFor(schema, depth),
            "array" => ArrayFor(schema, depth),
            "integer" => JsonValue.Create(Minimum(schema) is { } min ? (long)Math.Ceiling(min) : 1L),
            "number" => JsonValue.Create(Minimum(schema) ?? 1.5),
            "boolean" => JsonValue.Create(true),
            "null" => null,
            _ => JsonValue.Create(StringFor(schema)),
        };
    }

    private static string TypeOf(JsonElement schema)
    {
        if (!schema.TryGetProperty("type", out var type))
        {
            return schema.TryGetProperty("properties", out _) ? "object" : "string";
        }

        // ["string", "null"]: the first non-null type.
        return type.ValueKind == JsonValueKind.Array
            ? type.EnumerateArray().Select(t => t.GetString()).FirstOrDefault(t => t != "null") ?? "null"
            : type.GetString() ?? "string";
    }

    private static JsonObject ObjectFor(JsonElement schema, int depth)
    {
        var result = new JsonObject();
        if (schema.TryGetProperty("properties", out var properties) && properties.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in properties.EnumerateObject())
            {
                result[property.Name] = For(property.Value, depth + 1);
            }
        }

        return result;
    }

    private static JsonArray ArrayFor(JsonElement schema, int depth)
    {
        var count = schema.TryGetProperty("minItems", out var min) && min.TryGetInt32(out var n) ? Math.Max(1, n) : 1;
        var result = new JsonArray();
        for (var i = 0; i < count; i++)
        {
            result.Add(schema.TryGetProperty("items", out var items) ? For(items, depth + 1) : JsonValue.Create("item"));
        }

        return result;
    }

    private static double? Minimum(JsonElement schema) =>
        schema.TryGetProperty("minimum", out var min) && min.TryGetDouble(out var value) ? value : null;

    private static string StringFor(JsonElement schema)
    {
        var text = (schema.TryGetProperty("format", out var format) ? format.GetString() : null) switch
        {
            "date" => "2025-03-14",
            "date-time" => "2025-03-14T09:30:00Z",
            "email" => "customer@example.com",
            "uri" => "https://example.com/",
            "uuid" => "6f1c2b8e-3a47-4c5e-9d2a-1b7e8f0a4c3d",
            _ => "sample",
        };
        var minLength = schema.TryGetProperty("minLength", out var length) && length.TryGetInt32(out var l) ? l : 0;
        return text.Length >= minLength ? text : text.PadRight(minLength, 'x');
    }
}
