using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace SlmFleet.Router.Schema;

/// <summary>
/// The JSON Schema keywords that structured-output schemas use (OpenAI's strict subset and a little
/// more): type, enum, const, properties, required, additionalProperties, items, min/maxItems,
/// min/maxLength, pattern, minimum/maximum, anyOf/oneOf/allOf. Unknown keywords are ignored, as the
/// specification says. $ref is not resolved (treated as always satisfied).
/// </summary>
internal sealed class SubsetSchemaValidator : IResponseSchemaValidator
{
    private static readonly TimeSpan PatternTimeout = TimeSpan.FromMilliseconds(100);

    public string? Validate(JsonElement schema, JsonElement instance) => Check(schema, instance, "$", 0);

    private static string? Check(JsonElement schema, JsonElement instance, string path, int depth)
    {
        if (depth > 64)
        {
            return $"{path}: schema nests deeper than 64 levels";
        }

        if (schema.ValueKind == JsonValueKind.False)
        {
            return $"{path}: no value is allowed here";
        }

        if (schema.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        return CheckType(schema, instance, path)
            ?? CheckEnum(schema, instance, path)
            ?? CheckObject(schema, instance, path, depth)
            ?? CheckArray(schema, instance, path, depth)
            ?? CheckString(schema, instance, path)
            ?? CheckNumber(schema, instance, path)
            ?? CheckCombinators(schema, instance, path, depth);
    }

    private static string? CheckType(JsonElement schema, JsonElement instance, string path)
    {
        if (!schema.TryGetProperty("type", out var type))
        {
            return null;
        }

        if (type.ValueKind == JsonValueKind.String)
        {
            return IsType(instance, type.GetString()!) ? null : $"{path}: expected {type.GetString()}, got {Describe(instance)}";
        }

        if (type.ValueKind == JsonValueKind.Array && !type.EnumerateArray().Any(t => t.ValueKind == JsonValueKind.String && IsType(instance, t.GetString()!)))
        {
            return $"{path}: expected one of {type.GetRawText()}, got {Describe(instance)}";
        }

        return null;
    }

    private static string? CheckEnum(JsonElement schema, JsonElement instance, string path)
    {
        if (schema.TryGetProperty("enum", out var values) && values.ValueKind == JsonValueKind.Array
            && !values.EnumerateArray().Any(v => JsonElement.DeepEquals(v, instance)))
        {
            return $"{path}: {Truncate(instance.GetRawText())} is not one of {Truncate(values.GetRawText())}";
        }

        if (schema.TryGetProperty("const", out var constant) && !JsonElement.DeepEquals(constant, instance))
        {
            return $"{path}: must equal {Truncate(constant.GetRawText())}";
        }

        return null;
    }

    private static string? CheckObject(JsonElement schema, JsonElement instance, string path, int depth)
    {
        if (instance.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        if (schema.TryGetProperty("required", out var required) && required.ValueKind == JsonValueKind.Array)
        {
            foreach (var name in required.EnumerateArray())
            {
                if (name.ValueKind == JsonValueKind.String && !instance.TryGetProperty(name.GetString()!, out _))
                {
                    return $"{path}: required property '{name.GetString()}' is missing";
                }
            }
        }

        schema.TryGetProperty("properties", out var properties);
        schema.TryGetProperty("additionalProperties", out var additional);
        foreach (var property in instance.EnumerateObject())
        {
            var propertyPath = $"{path}.{property.Name}";
            if (properties.ValueKind == JsonValueKind.Object && properties.TryGetProperty(property.Name, out var propertySchema))
            {
                if (Check(propertySchema, property.Value, propertyPath, depth + 1) is { } error)
                {
                    return error;
                }
            }
            else if (additional.ValueKind == JsonValueKind.False)
            {
                return $"{propertyPath}: property is not allowed (additionalProperties is false)";
            }
            else if (additional.ValueKind == JsonValueKind.Object && Check(additional, property.Value, propertyPath, depth + 1) is { } error)
            {
                return error;
            }
        }

        return null;
    }

    private static string? CheckArray(JsonElement schema, JsonElement instance, string path, int depth)
    {
        if (instance.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        var count = instance.GetArrayLength();
        if (schema.TryGetProperty("minItems", out var minItems) && minItems.TryGetInt32(out var min) && count < min)
        {
            return $"{path}: has {count} items, at least {min} required";
        }

        if (schema.TryGetProperty("maxItems", out var maxItems) && maxItems.TryGetInt32(out var max) && count > max)
        {
            return $"{path}: has {count} items, at most {max} allowed";
        }

        if (schema.TryGetProperty("items", out var items) && items.ValueKind is JsonValueKind.Object or JsonValueKind.False)
        {
            var index = 0;
            foreach (var item in instance.EnumerateArray())
            {
                if (Check(items, item, $"{path}[{index++}]", depth + 1) is { } error)
                {
                    return error;
                }
            }
        }

        return null;
    }

    private static string? CheckString(JsonElement schema, JsonElement instance, string path)
    {
        if (instance.ValueKind != JsonValueKind.String)
        {
            return null;
        }

        var text = instance.GetString()!;
        if (schema.TryGetProperty("minLength", out var minLength) && minLength.TryGetInt32(out var min) && text.Length < min)
        {
            return $"{path}: is {text.Length} characters, at least {min} required";
        }

        if (schema.TryGetProperty("maxLength", out var maxLength) && maxLength.TryGetInt32(out var max) && text.Length > max)
        {
            return $"{path}: is {text.Length} characters, at most {max} allowed";
        }

        if (schema.TryGetProperty("pattern", out var pattern) && pattern.ValueKind == JsonValueKind.String)
        {
            try
            {
                if (!Regex.IsMatch(text, pattern.GetString()!, RegexOptions.None, PatternTimeout))
                {
                    return $"{path}: does not match pattern {pattern.GetString()}";
                }
            }
            catch (Exception ex) when (ex is ArgumentException or RegexMatchTimeoutException)
            {
                return $"{path}: pattern {pattern.GetString()} cannot be evaluated ({ex.GetType().Name})";
            }
        }

        return null;
    }

    private static string? CheckNumber(JsonElement schema, JsonElement instance, string path)
    {
        if (instance.ValueKind != JsonValueKind.Number)
        {
            return null;
        }

        var value = instance.GetDouble();
        if (schema.TryGetProperty("minimum", out var minimum) && minimum.ValueKind == JsonValueKind.Number && value < minimum.GetDouble())
        {
            return $"{path}: {value.ToString(CultureInfo.InvariantCulture)} is below the minimum {minimum.GetRawText()}";
        }

        if (schema.TryGetProperty("maximum", out var maximum) && maximum.ValueKind == JsonValueKind.Number && value > maximum.GetDouble())
        {
            return $"{path}: {value.ToString(CultureInfo.InvariantCulture)} is above the maximum {maximum.GetRawText()}";
        }

        return null;
    }

    private static string? CheckCombinators(JsonElement schema, JsonElement instance, string path, int depth)
    {
        if (schema.TryGetProperty("allOf", out var allOf) && allOf.ValueKind == JsonValueKind.Array)
        {
            foreach (var sub in allOf.EnumerateArray())
            {
                if (Check(sub, instance, path, depth + 1) is { } error)
                {
                    return error;
                }
            }
        }

        if (schema.TryGetProperty("anyOf", out var anyOf) && anyOf.ValueKind == JsonValueKind.Array
            && !anyOf.EnumerateArray().Any(sub => Check(sub, instance, path, depth + 1) is null))
        {
            return $"{path}: matches none of the anyOf alternatives";
        }

        if (schema.TryGetProperty("oneOf", out var oneOf) && oneOf.ValueKind == JsonValueKind.Array
            && oneOf.EnumerateArray().Count(sub => Check(sub, instance, path, depth + 1) is null) != 1)
        {
            return $"{path}: must match exactly one of the oneOf alternatives";
        }

        return null;
    }

    private static bool IsType(JsonElement instance, string type) => type switch
    {
        "object" => instance.ValueKind == JsonValueKind.Object,
        "array" => instance.ValueKind == JsonValueKind.Array,
        "string" => instance.ValueKind == JsonValueKind.String,
        "number" => instance.ValueKind == JsonValueKind.Number,
        "integer" => instance.ValueKind == JsonValueKind.Number && instance.TryGetInt64(out _),
        "boolean" => instance.ValueKind is JsonValueKind.True or JsonValueKind.False,
        "null" => instance.ValueKind == JsonValueKind.Null,
        _ => true,
    };

    private static string Describe(JsonElement instance) => instance.ValueKind switch
    {
        JsonValueKind.True or JsonValueKind.False => "boolean",
        _ => instance.ValueKind.ToString().ToLowerInvariant(),
    };

    private static string Truncate(string text) => text.Length <= 80 ? text : string.Concat(text.AsSpan(0, 77), "...");
}
