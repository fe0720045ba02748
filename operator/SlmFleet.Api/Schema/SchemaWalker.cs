using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace SlmFleet.Api.Schema;

/// <summary>
/// One validation pass of <see cref="SchemaValidator"/>: walks the document and the schema together
/// and collects every failure. Not thread-safe; one instance per call.
/// </summary>
internal sealed class SchemaWalker(JsonNode root, SchemaDialect dialect, string rootPath)
{
    private const int MaxDepth = 128;

    private static readonly ConcurrentDictionary<string, Regex?> Patterns = new(StringComparer.Ordinal);

    /// <summary>Formats a value the way the API server prints it in errors: strings quoted, containers by kind.</summary>
    internal static string FormatValue(JsonNode? value) => value switch
    {
        null => "null",
        JsonObject => "\"object\"",
        JsonArray => "\"array\"",
        _ => value.ToJsonString(),
    };

    private static string Child(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";

    private static string TypeName(JsonNode? value) => value switch
    {
        null => "null",
        JsonObject => "object",
        JsonArray => "array",
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => "string",
            JsonValueKind.Number => IsIntegral(v) ? "integer" : "number",
            JsonValueKind.True or JsonValueKind.False => "boolean",
            _ => "null",
        },
        _ => "unknown",
    };

    private static bool TryNumber(JsonNode? node, out double number)
    {
        number = 0;
        if (node is JsonValue v && v.GetValueKind() == JsonValueKind.Number)
        {
            return double.TryParse(v.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out number);
        }

        return false;
    }

    private static bool IsIntegral(JsonValue value) =>
        decimal.TryParse(value.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d)
            ? decimal.Truncate(d) == d
            : TryNumber(value, out var n) && Math.Floor(n) == n && !double.IsInfinity(n);

    private static bool TryBool(JsonNode? node, out bool flag)
    {
        flag = false;
        if (node is JsonValue v && v.GetValueKind() is JsonValueKind.True or JsonValueKind.False)
        {
            flag = v.GetValue<bool>();
            return true;
        }

        return false;
    }

    private static bool Flag(JsonObject schema, string keyword) => TryBool(schema[keyword], out var f) && f;

    private static string FormatNumber(double n) => n.ToString("R", CultureInfo.InvariantCulture);

    private static Regex? GetPattern(string pattern) => Patterns.GetOrAdd(pattern, static p =>
    {
        try
        {
            return new Regex(p, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        }
        catch (ArgumentException)
        {
            return null;
        }
    });

    public List<FieldError> Errors { get; } = [];

    public void Check(JsonNode? value, JsonNode? schemaNode, string path, int depth)
    {
        if (depth > MaxDepth || schemaNode is not JsonObject schema)
        {
            // `true`, `{}`-like booleans and runaway recursion accept anything.
            if (schemaNode is JsonValue b && TryBool(b, out var allowed) && !allowed)
            {
                Errors.Add(new FieldError(FieldErrorType.Invalid, path, FormatValue(value), "no value is allowed here"));
            }

            return;
        }

        if (schema["$ref"] is JsonValue refValue && refValue.GetValueKind() == JsonValueKind.String)
        {
            // OpenAPI 3.0 / draft-07: keywords beside $ref are ignored (Kubernetes puts descriptions there).
            Check(value, Resolve(refValue.GetValue<string>()), path, depth + 1);
            return;
        }

        if (value is null && (Flag(schema, "nullable") || TypeAllows(schema, "null")))
        {
            return;
        }

        if (!CheckType(value, schema, path))
        {
            return;
        }

        CheckEnumAndConst(value, schema, path);
        switch (value)
        {
            case JsonObject obj:
                CheckObject(obj, schema, path, depth);
                break;
            case JsonArray array:
                CheckArray(array, schema, path, depth);
                break;
            case JsonValue scalar:
                CheckScalar(scalar, schema, path);
                break;
        }

        CheckCombinators(value, schema, path, depth);
    }

    private JsonNode? Resolve(string reference)
    {
        if (!reference.StartsWith('#'))
        {
            return null;
        }

        JsonNode? current = root;
        foreach (var raw in reference.TrimStart('#').Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            var token = Uri.UnescapeDataString(raw).Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            current = current switch
            {
                JsonObject o => o[token],
                JsonArray a when int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < a.Count => a[i],
                _ => null,
            };
        }

        return current;
    }

    private static List<string> DeclaredTypes(JsonObject schema) => schema["type"] switch
    {
        JsonValue v when v.GetValueKind() == JsonValueKind.String => [v.GetValue<string>()],
        JsonArray a => a.OfType<JsonValue>().Where(x => x.GetValueKind() == JsonValueKind.String).Select(x => x.GetValue<string>()).ToList(),
        _ => [],
    };

    private static bool TypeAllows(JsonObject schema, string type) => DeclaredTypes(schema).Contains(type);

    private bool CheckType(JsonNode? value, JsonObject schema, string path)
    {
        var actual = TypeName(value);
        if (Flag(schema, "x-kubernetes-int-or-string"))
        {
            if (actual is "integer" or "string")
            {
                return true;
            }

            Errors.Add(new FieldError(FieldErrorType.Invalid, path, FormatValue(value), $"{Describe(path)} must be of type integer or string: \"{actual}\""));
            return false;
        }

        var declared = DeclaredTypes(schema);
        if (declared.Count == 0 || declared.Contains(actual) || (actual == "integer" && declared.Contains("number")))
        {
            return true;
        }

        var expected = string.Join(",", declared);
        Errors.Add(new FieldError(FieldErrorType.Invalid, path, FormatValue(value), $"{Describe(path)} must be of type {expected}: \"{actual}\""));
        return false;
    }

    private static string Describe(string path) => path.Length == 0 ? "body" : $"{path} in body";

    private void CheckEnumAndConst(JsonNode? value, JsonObject schema, string path)
    {
        if (schema["enum"] is JsonArray allowed && allowed.Count > 0 && !allowed.Any(a => JsonNode.DeepEquals(a, value)))
        {
            var supported = string.Join(", ", allowed.Select(FormatValue));
            Errors.Add(new FieldError(FieldErrorType.NotSupported, path, FormatValue(value), $"supported values: {supported}"));
        }

        if (schema.TryGetPropertyValue("const", out var constant) && !JsonNode.DeepEquals(constant, value))
        {
            Errors.Add(new FieldError(FieldErrorType.NotSupported, path, FormatValue(value), $"supported values: {FormatValue(constant)}"));
        }
    }

    private void CheckObject(JsonObject obj, JsonObject schema, string path, int depth)
    {
        // The API server validates ObjectMeta itself; the CRD schema only says `type: object`.
        var isRootMetadata = dialect == SchemaDialect.Kubernetes && path == Child(rootPath, "metadata") && depth == 1;
        if (isRootMetadata)
        {
            return;
        }

        var properties = schema["properties"] as JsonObject;
        var preserveUnknown = Flag(schema, "x-kubernetes-preserve-unknown-fields");
        var additional = schema["additionalProperties"];
        var present = new HashSet<string>(StringComparer.Ordinal);

        foreach (var (name, child) in obj)
        {
            var childPath = Child(path, name);
            if (child is null && dialect == SchemaDialect.Kubernetes && !IsNullable(properties?[name] ?? additional))
            {
                // Pruned by the API server: a null in a non-nullable field is the same as leaving it out.
                continue;
            }

            present.Add(name);
            if (properties is not null && properties.TryGetPropertyValue(name, out var propertySchema))
            {
                Check(child, propertySchema, childPath, depth + 1);
            }
            else if (additional is JsonObject additionalSchema)
            {
                Check(child, additionalSchema, childPath, depth + 1);
            }
            else if (additional is JsonValue && TryBool(additional, out var allowAdditional))
            {
                if (!allowAdditional)
                {
                    Errors.Add(new FieldError(FieldErrorType.UnknownField, childPath, null, "field not declared in schema"));
                }
            }
            else if (dialect == SchemaDialect.Kubernetes && !preserveUnknown)
            {
                Errors.Add(new FieldError(FieldErrorType.UnknownField, childPath, null, "field not declared in schema"));
            }
        }

        if (schema["required"] is JsonArray required)
        {
            foreach (var name in required.OfType<JsonValue>().Where(r => r.GetValueKind() == JsonValueKind.String).Select(r => r.GetValue<string>()))
            {
                if (!present.Contains(name))
                {
                    Errors.Add(new FieldError(FieldErrorType.Required, Child(path, name), null, string.Empty));
                }
            }
        }

        if (TryNumber(schema["minProperties"], out var minProperties) && obj.Count < minProperties)
        {
            Errors.Add(new FieldError(FieldErrorType.Invalid, path, obj.Count.ToString(CultureInfo.InvariantCulture), $"{Describe(path)} should have at least {FormatNumber(minProperties)} properties"));
        }

        if (TryNumber(schema["maxProperties"], out var maxProperties) && obj.Count > maxProperties)
        {
            Errors.Add(new FieldError(FieldErrorType.TooMany, path, obj.Count.ToString(CultureInfo.InvariantCulture), $"must have at most {FormatNumber(maxProperties)} properties"));
        }
    }

    private static bool IsNullable(JsonNode? schemaNode) =>
        schemaNode is JsonObject s && (Flag(s, "nullable") || TypeAllows(s, "null"));

    private void CheckArray(JsonArray array, JsonObject schema, string path, int depth)
    {
        if (TryNumber(schema["minItems"], out var minItems) && array.Count < minItems)
        {
            Errors.Add(new FieldError(FieldErrorType.Invalid, path, array.Count.ToString(CultureInfo.InvariantCulture), $"{Describe(path)} should have at least {FormatNumber(minItems)} items"));
        }

        if (TryNumber(schema["maxItems"], out var maxItems) && array.Count > maxItems)
        {
            Errors.Add(new FieldError(FieldErrorType.TooMany, path, array.Count.ToString(CultureInfo.InvariantCulture), $"must have at most {FormatNumber(maxItems)} items"));
        }

        var items = schema["items"];
        for (var i = 0; i < array.Count; i++)
        {
            var itemPath = $"{path}[{i}]";
            if (items is not null)
            {
                Check(array[i], items, itemPath, depth + 1);
            }

            if (Flag(schema, "uniqueItems") || (schema["x-kubernetes-list-type"] is JsonValue lt && lt.GetValueKind() == JsonValueKind.String && lt.GetValue<string>() == "set"))
            {
                for (var j = 0; j < i; j++)
                {
                    if (JsonNode.DeepEquals(array[i], array[j]))
                    {
                        Errors.Add(new FieldError(FieldErrorType.Duplicate, itemPath, FormatValue(array[i]), string.Empty));
                        break;
                    }
                }
            }
        }

        CheckMapKeys(array, schema, path);
    }

    private void CheckMapKeys(JsonArray array, JsonObject schema, string path)
    {
        if (schema["x-kubernetes-list-type"] is not JsonValue listType || listType.GetValueKind() != JsonValueKind.String
            || listType.GetValue<string>() != "map" || schema["x-kubernetes-list-map-keys"] is not JsonArray keys)
        {
            return;
        }

        var keyNames = keys.OfType<JsonValue>().Where(k => k.GetValueKind() == JsonValueKind.String).Select(k => k.GetValue<string>()).ToList();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < array.Count; i++)
        {
            if (array[i] is not JsonObject item)
            {
                continue;
            }

            var identity = string.Join("\u0000", keyNames.Select(k => item[k]?.ToJsonString() ?? "null"));
            if (!seen.Add(identity))
            {
                var shown = string.Join(", ", keyNames.Select(k => $"{k}={item[k]?.ToJsonString() ?? "null"}"));
                Errors.Add(new FieldError(FieldErrorType.Duplicate, $"{path}[{i}]", $"{{{shown}}}", string.Empty));
            }
        }
    }

    private void CheckScalar(JsonValue value, JsonObject schema, string path)
    {
        if (value.GetValueKind() == JsonValueKind.String)
        {
            CheckString(value.GetValue<string>(), schema, path, value);
        }
        else if (TryNumber(value, out var number))
        {
            CheckNumber(number, schema, path, value);
        }
    }

    private void CheckString(string text, JsonObject schema, string path, JsonValue value)
    {
        var length = text.EnumerateRunes().Count();
        if (TryNumber(schema["minLength"], out var minLength) && length < minLength)
        {
            Errors.Add(new FieldError(FieldErrorType.Invalid, path, FormatValue(value), $"{Describe(path)} should be at least {FormatNumber(minLength)} chars long"));
        }

        if (TryNumber(schema["maxLength"], out var maxLength) && length > maxLength)
        {
            Errors.Add(new FieldError(FieldErrorType.TooLong, path, null, $"may not be longer than {FormatNumber(maxLength)}"));
        }

        if (schema["pattern"] is JsonValue p && p.GetValueKind() == JsonValueKind.String && GetPattern(p.GetValue<string>()) is { } regex)
        {
            bool matches;
            try
            {
                matches = regex.IsMatch(text);
            }
            catch (RegexMatchTimeoutException)
            {
                matches = false;
            }

            if (!matches)
            {
                Errors.Add(new FieldError(FieldErrorType.Invalid, path, FormatValue(value), $"{Describe(path)} should match '{p.GetValue<string>()}'"));
            }
        }
    }

    private void CheckNumber(double number, JsonObject schema, string path, JsonValue value)
    {
        var shown = FormatValue(value);
        if (TryNumber(schema["minimum"], out var minimum))
        {
            var exclusive = Flag(schema, "exclusiveMinimum");
            if (exclusive ? number <= minimum : number < minimum)
            {
                var relation = exclusive ? "greater than" : "greater than or equal to";
                Errors.Add(new FieldError(FieldErrorType.Invalid, path, shown, $"{Describe(path)} should be {relation} {FormatNumber(minimum)}"));
            }
        }

        if (TryNumber(schema["maximum"], out var maximum))
        {
            var exclusive = Flag(schema, "exclusiveMaximum");
            if (exclusive ? number >= maximum : number > maximum)
            {
                var relation = exclusive ? "less than" : "less than or equal to";
                Errors.Add(new FieldError(FieldErrorType.Invalid, path, shown, $"{Describe(path)} should be {relation} {FormatNumber(maximum)}"));
            }
        }

        // JSON Schema 2019+ spells exclusive bounds as numbers.
        if (TryNumber(schema["exclusiveMinimum"], out var exclusiveMinimum) && number <= exclusiveMinimum)
        {
            Errors.Add(new FieldError(FieldErrorType.Invalid, path, shown, $"{Describe(path)} should be greater than {FormatNumber(exclusiveMinimum)}"));
        }

        if (TryNumber(schema["exclusiveMaximum"], out var exclusiveMaximum) && number >= exclusiveMaximum)
        {
            Errors.Add(new FieldError(FieldErrorType.Invalid, path, shown, $"{Describe(path)} should be less than {FormatNumber(exclusiveMaximum)}"));
        }

        if (TryNumber(schema["multipleOf"], out var multipleOf) && multipleOf > 0 && Math.Abs(Math.IEEERemainder(number, multipleOf)) > 1e-9)
        {
            Errors.Add(new FieldError(FieldErrorType.Invalid, path, shown, $"{Describe(path)} should be a multiple of {FormatNumber(multipleOf)}"));
        }
    }

    private void CheckCombinators(JsonNode? value, JsonObject schema, string path, int depth)
    {
        if (schema["allOf"] is JsonArray allOf)
        {
            foreach (var branch in allOf)
            {
                Check(value, branch, path, depth + 1);
            }
        }

        if (schema["anyOf"] is JsonArray anyOf && anyOf.Count > 0)
        {
            var results = anyOf.Select(b => Branch(value, b, path, depth)).ToList();
            if (results.All(r => r.Count > 0))
            {
                Errors.Add(new FieldError(FieldErrorType.Invalid, path, FormatValue(value), $"must validate at least one schema (anyOf): {Closest(results)}"));
            }
        }

        if (schema["oneOf"] is JsonArray oneOf && oneOf.Count > 0)
        {
            var results = oneOf.Select(b => Branch(value, b, path, depth)).ToList();
            var matched = results.Count(r => r.Count == 0);
            if (matched == 0)
            {
                Errors.Add(new FieldError(FieldErrorType.Invalid, path, FormatValue(value), $"must validate one and only one schema (oneOf): {Closest(results)}"));
            }
            else if (matched > 1)
            {
                Errors.Add(new FieldError(FieldErrorType.Invalid, path, FormatValue(value), $"must validate one and only one schema (oneOf), but matched {matched}"));
            }
        }
    }

    private static string Closest(List<List<FieldError>> results)
    {
        var closest = results.OrderBy(r => r.Count).First();
        return closest.Count > 0 ? closest[0].ToString() : string.Empty;
    }

    private List<FieldError> Branch(JsonNode? value, JsonNode? branch, string path, int depth)
    {
        // Branches in structural schemas may not declare fields of their own, so unknown-field
        // rejection is left to the enclosing schema: branches run with JSON Schema rules.
        var walker = new SchemaWalker(root, SchemaDialect.JsonSchema, rootPath);
        walker.Check(value, branch, path, depth + 1);
        return walker.Errors;
    }
}
