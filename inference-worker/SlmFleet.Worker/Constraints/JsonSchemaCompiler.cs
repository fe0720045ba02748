using System.Globalization;
using System.Text.Json;

namespace SlmFleet.Worker.Constraints;

/// <summary>
/// Compiles a JSON Schema into a byte automaton that accepts only compact JSON valid under it.
/// Supported: <c>type</c> (one or a list), <c>properties</c>/<c>required</c>/<c>additionalProperties</c>,
/// <c>items</c>/<c>prefixItems</c>/<c>minItems</c>/<c>maxItems</c>, <c>enum</c>, <c>const</c>, <c>anyOf</c>,
/// a one-schema <c>allOf</c>, <c>$ref</c> into the document (<c>#</c>, <c>#/$defs/…</c>, any JSON
/// pointer) including recursion, <c>minLength</c>/<c>maxLength</c>, <c>pattern</c>, <c>format</c>
/// (date, time, date-time, uuid, ipv4, email), and <c>minimum</c>/<c>maximum</c> (also exclusive)
/// on integers. Validation keywords it cannot guarantee are refused by name, never ignored;
/// annotations (title, description, default, examples, …) are ignored.
/// </summary>
/// <remarks>
/// Properties are written in the schema's order; optional ones may be left out, and properties the
/// schema does not declare are never written (valid whatever additionalProperties says). A schema
/// with no declared properties but additionalProperties (or none at all) is a map: any keys, values
/// under additionalProperties. Sub-schemas are inlined; <c>$ref</c> targets and array items repeated
/// more than twice become rules that are called, so the automaton stays linear in the schema.
/// </remarks>
internal sealed class JsonSchemaCompiler
{
    private static readonly HashSet<string> Annotations = new(StringComparer.Ordinal)
    {
        "$schema", "$id", "$comment", "$defs", "definitions", "title", "description", "default", "examples",
        "deprecated", "readOnly", "writeOnly", "nullable", "contentMediaType", "contentEncoding", "$anchor",
    };

    private static readonly HashSet<string> Unsupported = new(StringComparer.Ordinal)
    {
        "not", "if", "then", "else", "oneOf", "patternProperties", "propertyNames", "minProperties", "maxProperties",
        "uniqueItems", "contains", "minContains", "maxContains", "multipleOf", "dependentRequired", "dependentSchemas",
        "dependencies", "unevaluatedProperties", "unevaluatedItems", "$dynamicRef", "$recursiveRef",
    };

    private static readonly Dictionary<string, string> Formats = new(StringComparer.Ordinal)
    {
        // Years 1900-2099, days up to 28 and offsets within ±13:59, so every value exists in every
        // calendar, month and time-zone library (.NET's DateTimeOffset stops at ±14:00): a subset of valid values.
        ["date"] = @"(19|20)[0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])",
        ["time"] = @"([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]{1,3})?(Z|[+-](0[0-9]|1[0-3]):[0-5][0-9])",
        ["date-time"] = @"(19|20)[0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]{1,3})?(Z|[+-](0[0-9]|1[0-3]):[0-5][0-9])",
        ["uuid"] = @"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
        ["ipv4"] = @"(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}",
        ["email"] = @"[a-z0-9]{1,20}([._-][a-z0-9]{1,20}){0,3}@[a-z0-9]{1,20}(-[a-z0-9]{1,20}){0,2}(\.[a-z0-9]{1,20}){0,2}\.[a-z]{2,6}",
    };

    private readonly JsonGrammar _json;
    private readonly JsonElement _root;
    // Inlined copies cost states but no rule boundary (whose tokens must be checked against the
    // stack at run time); up to this many states a repeated or referenced schema is inlined.
    private const int InlineStates = 4000;

    private readonly Dictionary<string, int> _rules = new(StringComparer.Ordinal);
    private readonly HashSet<string> _inProgress = new(StringComparer.Ordinal);
    private readonly bool _estimating;
    private int _depth;

    private JsonSchemaCompiler(GrammarBuilder builder, JsonElement root, bool estimating = false)
    {
        _json = new JsonGrammar(builder);
        _root = root;
        _estimating = estimating;
    }

    public static IReadOnlyCollection<string> SupportedFormats => Formats.Keys;

    public static Grammar Compile(JsonElement schema, int maxStates)
    {
        var builder = new GrammarBuilder(maxStates);
        var compiler = new JsonSchemaCompiler(builder, schema);
        return builder.Build(compiler.Schema(schema, "#"));
    }

    private GrammarBuilder Builder => _json.Builder;

    private Fragment Schema(JsonElement schema, string path)
    {
        if (++_depth > 64)
        {
            throw Error("schema", path, "nests deeper than 64 levels; accepted: use $ref for deep or recursive structures");
        }

        try
        {
            return SchemaBody(schema, path, typeOverride: null);
        }
        finally
        {
            _depth--;
        }
    }

    private Fragment SchemaBody(JsonElement schema, string path, string? typeOverride)
    {
        if (schema.ValueKind is JsonValueKind.True)
        {
            return _json.AnyValue();
        }

        if (schema.ValueKind is not JsonValueKind.Object)
        {
            throw schema.ValueKind is JsonValueKind.False
                ? Error("false", path, "is the schema false, which no value satisfies")
                : Error("schema", path, $"is a {schema.ValueKind}; accepted: an object or a boolean");
        }

        foreach (var property in schema.EnumerateObject())
        {
            if (Unsupported.Contains(property.Name))
            {
                throw Error(property.Name, path, "is not supported by constrained decoding; accepted keywords: type, properties, required, additionalProperties, items, prefixItems, minItems, maxItems, enum, const, anyOf, allOf (one schema), $ref, $defs, minLength, maxLength, pattern, format, minimum, maximum, exclusiveMinimum, exclusiveMaximum");
            }
        }

        if (schema.TryGetProperty("$ref", out var reference))
        {
            return Reference(reference, path);
        }

        if (schema.TryGetProperty("allOf", out var allOf))
        {
            return allOf.ValueKind == JsonValueKind.Array && allOf.GetArrayLength() == 1
                ? Schema(allOf[0], path + "/allOf/0")
                : throw Error("allOf", path, "has more than one schema; accepted: allOf with exactly one schema (or use anyOf)");
        }

        if (schema.TryGetProperty("anyOf", out var anyOf))
        {
            if (anyOf.ValueKind != JsonValueKind.Array || anyOf.GetArrayLength() == 0)
            {
                throw Error("anyOf", path, "must be a non-empty array of schemas");
            }

            return Builder.Choice([.. anyOf.EnumerateArray().Select((option, i) => Schema(option, $"{path}/anyOf/{i}"))]);
        }

        if (schema.TryGetProperty("const", out var constant))
        {
            return Builder.Literal(JsonGrammar.Serialize(constant));
        }

        if (schema.TryGetProperty("enum", out var enumeration))
        {
            if (enumeration.ValueKind != JsonValueKind.Array || enumeration.GetArrayLength() == 0)
            {
                throw Error("enum", path, "must be a non-empty array");
            }

            return Builder.Choice([.. enumeration.EnumerateArray().Select(value => Builder.Literal(JsonGrammar.Serialize(value)))]);
        }

        var type = typeOverride ?? TypeOf(schema, path);
        if (type is null && schema.TryGetProperty("type", out var types) && types.ValueKind == JsonValueKind.Array)
        {
            if (types.GetArrayLength() == 0)
            {
                throw Error("type", path, "is an empty list; accepted: a type name or a non-empty list");
            }

            return Builder.Choice([.. types.EnumerateArray().Select(t => SchemaBody(schema, path, TypeName(t, path)))]);
        }

        return type switch
        {
            "object" => ObjectSchema(schema, path),
            "array" => ArraySchema(schema, path),
            "string" => StringSchema(schema, path),
            "integer" => IntegerSchema(schema, path),
            "number" => NumberSchema(schema, path),
            "boolean" => Builder.Choice([_json.Literal("true"), _json.Literal("false")]),
            "null" => _json.Literal("null"),
            _ => _json.AnyValue(),
        };
    }

    private static string? TypeOf(JsonElement schema, string path)
    {
        if (schema.TryGetProperty("type", out var type))
        {
            return type.ValueKind == JsonValueKind.Array ? null : TypeName(type, path);
        }

        if (Has(schema, "properties", "required", "additionalProperties"))
        {
            return "object";
        }

        if (Has(schema, "items", "prefixItems", "minItems", "maxItems"))
        {
            return "array";
        }

        if (Has(schema, "pattern", "format", "minLength", "maxLength"))
        {
            return "string";
        }

        return Has(schema, "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum") ? "number" : "any";
    }

    private static bool Has(JsonElement schema, params ReadOnlySpan<string> names)
    {
        foreach (var name in names)
        {
            if (schema.TryGetProperty(name, out _))
            {
                return true;
            }
        }

        return false;
    }

    private static string TypeName(JsonElement type, string path)
    {
        var name = type.ValueKind == JsonValueKind.String ? type.GetString()! : string.Empty;
        return name is "object" or "array" or "string" or "integer" or "number" or "boolean" or "null"
            ? name
            : throw Error("type", path, $"\"{type}\" is unknown; accepted: object, array, string, integer, number, boolean, null");
    }

    private Fragment Reference(JsonElement reference, string path)
    {
        var pointer = reference.ValueKind == JsonValueKind.String ? reference.GetString()! : string.Empty;
        var target = Resolve(pointer, path);
        if (!_estimating && !_inProgress.Contains(pointer) && pointer != "#" && Estimate(target, pointer) <= InlineStates)
        {
            _inProgress.Add(pointer);
            try
            {
                return Schema(target, pointer);
            }
            finally
            {
                _inProgress.Remove(pointer);
            }
        }

        if (!_rules.TryGetValue(pointer, out var start))
        {
            var rule = Builder.NewRule();
            _rules.Add(pointer, rule.Start);
            var saved = _depth;
            _depth = 0;
            _inProgress.Add(pointer);
            var body = Schema(target, pointer);
            _inProgress.Remove(pointer);
            _depth = saved;
            Builder.Empty(rule.Start, body.Start);
            Builder.Empty(body.End, rule.End);
            start = rule.Start;
        }

        return Builder.CallFragment(start);
    }

    /// <summary>States <paramref name="schema"/> takes when inlined (referenced schemas inside count as rules), or int.MaxValue if it does not compile.</summary>
    private int Estimate(JsonElement schema, string path)
    {
        var scratch = new JsonSchemaCompiler(new GrammarBuilder(InlineStates * 4), _root, estimating: true);
        try
        {
            scratch.Schema(schema, path);
            return scratch.Builder.StateCount;
        }
        catch (ConstraintException)
        {
            return int.MaxValue;
        }
    }

    private JsonElement Resolve(string pointer, string path)
    {
        if (!pointer.StartsWith('#'))
        {
            throw Error("$ref", path, $"\"{pointer}\" points outside the schema; accepted: \"#\" or a JSON pointer into the document such as \"#/$defs/Name\"");
        }

        var current = _root;
        foreach (var raw in pointer[1..].Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            var segment = Uri.UnescapeDataString(raw).Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            if (current.ValueKind == JsonValueKind.Object && current.TryGetProperty(segment, out var next))
            {
                current = next;
            }
            else if (current.ValueKind == JsonValueKind.Array && int.TryParse(segment, NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index < current.GetArrayLength())
            {
                current = current[index];
            }
            else
            {
                throw Error("$ref", path, $"\"{pointer}\" does not resolve (no \"{segment}\")");
            }
        }

        return current;
    }

    private Fragment ObjectSchema(JsonElement schema, string path)
    {
        var declared = new List<(string Name, JsonElement Schema)>();
        if (schema.TryGetProperty("properties", out var properties))
        {
            if (properties.ValueKind != JsonValueKind.Object)
            {
                throw Error("properties", path, "must be an object of schemas");
            }

            declared.AddRange(properties.EnumerateObject().Select(p => (p.Name, p.Value)));
        }

        var required = new HashSet<string>(StringComparer.Ordinal);
        if (schema.TryGetProperty("required", out var requiredList))
        {
            foreach (var name in requiredList.EnumerateArray())
            {
                required.Add(name.GetString() ?? throw Error("required", path, "must list property names"));
            }
        }

        var additional = schema.TryGetProperty("additionalProperties", out var extra) ? extra : default;
        var closed = additional.ValueKind == JsonValueKind.False;
        foreach (var name in required.Where(n => declared.All(d => d.Name != n)))
        {
            if (closed)
            {
                throw Error("required", path, $"names \"{name}\", which properties does not declare while additionalProperties is false: no object satisfies both");
            }

            declared.Add((name, additional.ValueKind == JsonValueKind.Object ? additional : default));
        }

        if (declared.Count == 0)
        {
            if (closed)
            {
                return _json.Literal("{}");
            }

            var valuePath = path + "/additionalProperties";
            return additional.ValueKind == JsonValueKind.Object
                ? _json.AnyObject(() => Schema(additional, valuePath))
                : _json.AnyObject();
        }

        return DeclaredProperties(declared, required, path);
    }

    // Properties in order; each may be skipped unless required. "none yet" and "some written" are
    // separate states because the comma goes before every property but the first one written.
    private Fragment DeclaredProperties(List<(string Name, JsonElement Schema)> declared, HashSet<string> required, string path)
    {
        var open = _json.Literal("{");
        var none = open.End;
        var some = -1;
        foreach (var (name, propertySchema) in declared)
        {
            var key = JsonGrammar.Serialize(name);
            var isRequired = required.Contains(name);
            var nextNone = isRequired || none < 0 ? -1 : Builder.NewState();
            var nextSome = Builder.NewState();
            var propertyPath = $"{path}/properties/{name}";
            if (none >= 0)
            {
                var member = Member(key, propertySchema, propertyPath, comma: false);
                Builder.Empty(none, member.Start);
                Builder.Empty(member.End, nextSome);
                if (nextNone >= 0)
                {
                    Builder.Empty(none, nextNone);
                }
            }

            if (some >= 0)
            {
                var member = Member(key, propertySchema, propertyPath, comma: true);
                Builder.Empty(some, member.Start);
                Builder.Empty(member.End, nextSome);
                if (!isRequired)
                {
                    Builder.Empty(some, nextSome);
                }
            }

            none = nextNone;
            some = nextSome;
        }

        var close = _json.Literal("}");
        Builder.Empty(some, close.Start);
        if (none >= 0)
        {
            Builder.Empty(none, close.Start);
        }

        return new Fragment(open.Start, close.End);
    }

    private Fragment Member(byte[] key, JsonElement propertySchema, string path, bool comma)
    {
        var prefix = new byte[key.Length + (comma ? 2 : 1)];
        var offset = 0;
        if (comma)
        {
            prefix[offset++] = (byte)',';
        }

        key.CopyTo(prefix, offset);
        prefix[^1] = (byte)':';
        var value = propertySchema.ValueKind == JsonValueKind.Undefined ? _json.AnyValue() : Schema(propertySchema, path);
        return Builder.Sequence(Builder.Literal(prefix), value);
    }

    private Fragment ArraySchema(JsonElement schema, string path)
    {
        var prefixItems = schema.TryGetProperty("prefixItems", out var prefix) ? [.. prefix.EnumerateArray()] : new List<JsonElement>();
        var items = schema.TryGetProperty("items", out var itemSchema) ? itemSchema : default;
        if (items.ValueKind == JsonValueKind.Array)
        {
            // Draft 4-7 tuple form.
            prefixItems = [.. items.EnumerateArray()];
            items = schema.TryGetProperty("additionalItems", out var additionalItems) ? additionalItems : default;
        }

        var minItems = Count(schema, "minItems", path) ?? 0;
        var maxItems = Count(schema, "maxItems", path);
        if (items.ValueKind == JsonValueKind.False)
        {
            maxItems = Math.Min(maxItems ?? prefixItems.Count, prefixItems.Count);
        }

        if (maxItems < minItems)
        {
            throw Error(schema.TryGetProperty("maxItems", out _) ? "maxItems" : "items", path, $"allows at most {maxItems} items but minItems is {minItems}: no array satisfies both");
        }

        var explicitCount = maxItems ?? Math.Max(minItems, prefixItems.Count);
        if (explicitCount > 256)
        {
            throw Error(maxItems is null ? "minItems" : "maxItems", path, $"is {explicitCount}; accepted: at most 256 (each bounded item costs automaton states)");
        }

        var copies = explicitCount + (maxItems is null ? 1 : 0);
        Fragment Item(int index)
        {
            if (index < prefixItems.Count)
            {
                return Schema(prefixItems[index], $"{path}/prefixItems/{index}");
            }

            if (items.ValueKind == JsonValueKind.Undefined || items.ValueKind == JsonValueKind.True)
            {
                return _json.AnyValue();
            }

            var itemPath = path + "/items";
            return copies - prefixItems.Count > 2 && (_estimating || Estimate(items, itemPath) * (copies - prefixItems.Count) > InlineStates)
                ? SharedRule(itemPath, items)
                : Schema(items, itemPath);
        }

        var open = _json.Literal("[");
        var beforeClose = Builder.NewState();
        var current = open.End;
        for (var i = 0; i < explicitCount; i++)
        {
            if (i >= minItems)
            {
                Builder.Empty(current, beforeClose);
            }

            var element = i == 0 ? Item(i) : Builder.Sequence(_json.Literal(","), Item(i));
            Builder.Empty(current, element.Start);
            current = element.End;
        }

        if (maxItems is null)
        {
            var more = explicitCount == 0
                ? Builder.Optional(Builder.Sequence(Item(0), Builder.Star(Builder.Sequence(_json.Literal(","), Item(1)))))
                : Builder.Star(Builder.Sequence(_json.Literal(","), Item(explicitCount)));
            Builder.Empty(current, more.Start);
            current = more.End;
        }

        Builder.Empty(current, beforeClose);
        var close = _json.Literal("]");
        Builder.Empty(beforeClose, close.Start);
        return new Fragment(open.Start, close.End);
    }

    private Fragment SharedRule(string key, JsonElement schema)
    {
        if (!_rules.TryGetValue(key, out var start))
        {
            var rule = Builder.NewRule();
            _rules.Add(key, rule.Start);
            var body = Schema(schema, key);
            Builder.Empty(rule.Start, body.Start);
            Builder.Empty(body.End, rule.End);
            start = rule.Start;
        }

        return Builder.CallFragment(start);
    }

    private Fragment StringSchema(JsonElement schema, string path)
    {
        var minLength = Count(schema, "minLength", path) ?? 0;
        var maxLength = Count(schema, "maxLength", path);
        var hasPattern = schema.TryGetProperty("pattern", out var pattern);
        var hasFormat = schema.TryGetProperty("format", out var format);
        if ((hasPattern || hasFormat) && (minLength > 0 || maxLength is not null))
        {
            throw Error(hasPattern ? "pattern" : "format", path, "together with minLength/maxLength is not supported; accepted: put the length in the pattern (e.g. ^[a-z]{2,8}$)");
        }

        if (hasPattern && hasFormat)
        {
            throw Error("format", path, "together with pattern is not supported; accepted: one of them");
        }

        if (hasFormat)
        {
            var name = format.GetString() ?? string.Empty;
            if (!Formats.TryGetValue(name, out var formatPattern))
            {
                throw Error("format", path, $"\"{name}\" is not supported; accepted: {string.Join(", ", Formats.Keys)}");
            }

            return _json.PatternString(RegexParser.Parse(formatPattern, "format", out _, out _));
        }

        if (hasPattern)
        {
            var text = pattern.GetString() ?? throw Error("pattern", path, "must be a string");
            var node = RegexParser.Parse(text, "pattern", out var anchoredStart, out var anchoredEnd);
            // JSON Schema patterns search the value: an unanchored end may have anything around it.
            var anything = RegexNode.Repeat(RegexNode.Of(CharSet.All()), 0, -1);
            var parts = new List<RegexNode>();
            if (!anchoredStart)
            {
                parts.Add(anything);
            }

            parts.Add(node);
            if (!anchoredEnd)
            {
                parts.Add(anything);
            }

            return _json.PatternString(RegexNode.Sequence(parts));
        }

        if (maxLength < minLength)
        {
            throw Error("maxLength", path, $"is {maxLength} but minLength is {minLength}: no string satisfies both");
        }

        if (Math.Max(minLength, maxLength ?? 0) > 1000)
        {
            throw Error(maxLength > 1000 ? "maxLength" : "minLength", path, "is above 1000; accepted: at most 1000");
        }

        return _json.String(minLength, maxLength ?? -1);
    }

    private Fragment NumberSchema(JsonElement schema, string path)
        => Has(schema, "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum")
            ? throw Error(FirstOf(schema, "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"), path, "on a number is not supported; accepted: bounds on \"type\": \"integer\"")
            : _json.Number();

    private Fragment IntegerSchema(JsonElement schema, string path)
    {
        var low = Bound(schema, "minimum", path, exclusive: false, lower: true);
        var high = Bound(schema, "maximum", path, exclusive: false, lower: false);
        low = Max(low, Bound(schema, "exclusiveMinimum", path, exclusive: true, lower: true));
        high = Min(high, Bound(schema, "exclusiveMaximum", path, exclusive: true, lower: false));
        if (low is null && high is null)
        {
            return _json.Integer();
        }

        if (low > high)
        {
            throw Error(FirstOf(schema, "maximum", "exclusiveMaximum"), path, $"leaves no integer between {low} and {high}");
        }

        return IntegerRange.Emit(_json, low, high);
    }

    private static long? Max(long? a, long? b) => a is null ? b : b is null ? a : Math.Max(a.Value, b.Value);

    private static long? Min(long? a, long? b) => a is null ? b : b is null ? a : Math.Min(a.Value, b.Value);

    private static long? Bound(JsonElement schema, string keyword, string path, bool exclusive, bool lower)
    {
        if (!schema.TryGetProperty(keyword, out var value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var number) || Math.Abs(number) > IntegerRange.Limit)
        {
            throw Error(keyword, path, $"must be a number within ±{IntegerRange.Limit}");
        }

        var rounded = lower ? Math.Ceiling(number) : Math.Floor(number);
        if (exclusive && rounded == number)
        {
            rounded += lower ? 1 : -1;
        }

        return (long)rounded;
    }

    private static string FirstOf(JsonElement schema, params ReadOnlySpan<string> names)
    {
        foreach (var name in names)
        {
            if (schema.TryGetProperty(name, out _))
            {
                return name;
            }
        }

        return names[0];
    }

    private static int? Count(JsonElement schema, string keyword, string path)
    {
        if (!schema.TryGetProperty(keyword, out var value))
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var count) && count >= 0
            ? count
            : throw Error(keyword, path, $"is {value.GetRawText()}; accepted: a non-negative integer");
    }

    private static ConstraintException Error(string keyword, string path, string what)
        => new(keyword, $"constraint: json_schema keyword \"{keyword}\" at {path} {what}");
}
