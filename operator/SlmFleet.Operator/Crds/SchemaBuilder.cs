using System.Collections;
using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using k8s.Models;
using SlmFleet.Api.Schema;

namespace SlmFleet.Operator.Crds;

/// <summary>
/// Builds a structural OpenAPI v3 schema from the C# API types: every object says its type and lists
/// its properties (sorted by JSON name, so output is stable), validation attributes become keywords
/// and XML summaries become descriptions. Keys are written in one fixed order per schema.
/// </summary>
internal sealed class SchemaBuilder(XmlDocumentation docs)
{
    /// <summary>The <c>openAPIV3Schema</c> of a custom resource type.</summary>
    public JsonObject ForResource(Type resourceType)
    {
        var schema = ForObject(resourceType, docs.Summary(resourceType));
        var properties = (JsonObject)schema["properties"]!;

        // apiVersion, kind and metadata are the API server's: declare them plainly, like controller-gen.
        properties["apiVersion"] = new JsonObject
        {
            ["description"] = "Versioned schema of this representation of an object, e.g. slmfleet.io/v1alpha1.",
            ["type"] = "string",
        };
        properties["kind"] = new JsonObject
        {
            ["description"] = "The REST resource this object represents, in CamelCase.",
            ["type"] = "string",
        };
        properties["metadata"] = new JsonObject { ["type"] = "object" };
        return Sorted(schema);
    }

    private JsonObject ForObject(Type type, string? description)
    {
        var schema = new JsonObject();
        AddDescription(schema, description ?? docs.Summary(type));
        schema["type"] = "object";
        var properties = new SortedDictionary<string, JsonNode>(StringComparer.Ordinal);
        var required = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var name = property.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name;
            if (name is null || property.GetCustomAttribute<JsonIgnoreAttribute>() is not null)
            {
                continue;
            }

            if (property.PropertyType == typeof(V1ObjectMeta))
            {
                continue;
            }

            properties[name] = ForProperty(property);
            if (property.GetCustomAttribute<RequiredAttribute>() is not null)
            {
                required.Add(name);
            }
        }

        var propertiesNode = new JsonObject();
        foreach (var (name, node) in properties)
        {
            propertiesNode[name] = node;
        }

        schema["properties"] = propertiesNode;
        if (required.Count > 0)
        {
            schema["required"] = new JsonArray([.. required.Select(r => (JsonNode)r)]);
        }

        AddRules(schema, type.GetCustomAttributes<CelRuleAttribute>());
        return schema;
    }

    private JsonObject ForProperty(PropertyInfo property)
    {
        var schema = ForType(property.PropertyType, docs.Summary(property));
        ApplyAttributes(schema, property);
        return Sorted(schema);
    }

    private JsonObject ForType(Type type, string? description)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(V1Condition))
        {
            var condition = ConditionSchema.Create();
            condition["description"] = description ?? condition["description"]!.GetValue<string>();
            return condition;
        }

        var schema = new JsonObject();
        AddDescription(schema, description);
        if (type == typeof(IntOrString))
        {
            // Ports and percentages: no `type`, the one exception structural schemas allow.
            schema["x-kubernetes-int-or-string"] = true;
            return schema;
        }

        if (Scalar(type) is { } scalar)
        {
            schema["type"] = scalar.Type;
            if (scalar.Format is not null)
            {
                schema["format"] = scalar.Format;
            }

            return schema;
        }

        if (DictionaryValueType(type) is { } valueType)
        {
            schema["type"] = "object";
            schema["additionalProperties"] = ForType(valueType, null);
            return schema;
        }

        if (ItemType(type) is { } itemType)
        {
            schema["type"] = "array";
            schema["items"] = ForType(itemType, null);
            return schema;
        }

        if (type.IsClass && type.Assembly == typeof(CelRuleAttribute).Assembly)
        {
            var nested = ForObject(type, description);
            return nested;
        }

        throw new NotSupportedException($"CRD generator: no schema mapping for {type.FullName}");
    }

    private static (string Type, string? Format)? Scalar(Type type) => type switch
    {
        _ when type == typeof(string) => ("string", null),
        _ when type == typeof(bool) => ("boolean", null),
        _ when type == typeof(int) => ("integer", "int32"),
        _ when type == typeof(long) => ("integer", "int64"),
        _ when type == typeof(double) || type == typeof(float) || type == typeof(decimal) => ("number", "double"),
        _ when type == typeof(DateTime) || type == typeof(DateTimeOffset) => ("string", "date-time"),
        _ => null,
    };

    private static Type? DictionaryValueType(Type type)
    {
        var dictionary = type.IsGenericType && type.GetGenericTypeDefinition() is var d
            && (d == typeof(Dictionary<,>) || d == typeof(IDictionary<,>) || d == typeof(IReadOnlyDictionary<,>))
            ? type
            : null;
        if (dictionary is null)
        {
            return null;
        }

        var arguments = dictionary.GetGenericArguments();
        return arguments[0] == typeof(string)
            ? arguments[1]
            : throw new NotSupportedException($"CRD generator: map keys must be strings ({type})");
    }

    private static Type? ItemType(Type type)
    {
        if (type.IsArray)
        {
            return type.GetElementType();
        }

        return type != typeof(string) && typeof(IEnumerable).IsAssignableFrom(type) && type.IsGenericType
            ? type.GetGenericArguments()[0]
            : null;
    }

    private static void ApplyAttributes(JsonObject schema, PropertyInfo property)
    {
        var type = schema["type"]?.GetValue<string>();
        if (property.GetCustomAttribute<AllowedValuesAttribute>() is { } allowed)
        {
            schema["enum"] = new JsonArray([.. allowed.Values.Select(v => JsonValue.Create(Convert.ToString(v, CultureInfo.InvariantCulture)))]);
        }

        if (property.GetCustomAttribute<DefaultValueAttribute>() is { Value: { } defaultValue })
        {
            schema["default"] = Number(defaultValue, type) ?? JsonValue.Create(defaultValue switch
            {
                bool b => (object)b,
                _ => Convert.ToString(defaultValue, CultureInfo.InvariantCulture)!,
            });
        }

        if (property.GetCustomAttribute<RangeAttribute>() is { } range)
        {
            schema["minimum"] = Number(range.Minimum, type);
            schema["maximum"] = Number(range.Maximum, type);
        }

        var isArray = type == "array";
        if (property.GetCustomAttribute<MinLengthAttribute>() is { } minLength)
        {
            schema[isArray ? "minItems" : "minLength"] = minLength.Length;
        }

        if (property.GetCustomAttribute<MaxLengthAttribute>() is { } maxLength)
        {
            schema[isArray ? "maxItems" : "maxLength"] = maxLength.Length;
        }

        if (property.GetCustomAttribute<RegularExpressionAttribute>() is { } pattern)
        {
            schema["pattern"] = pattern.Pattern;
        }

        if (property.GetCustomAttribute<ListTypeAttribute>() is { } listType)
        {
            schema["x-kubernetes-list-type"] = listType.ListType;
            if (listType.MapKeys.Count > 0)
            {
                schema["x-kubernetes-list-map-keys"] = new JsonArray([.. listType.MapKeys.Select(k => (JsonNode)k)]);
            }
        }

        if (property.GetCustomAttribute<PreserveUnknownFieldsAttribute>() is not null)
        {
            schema["x-kubernetes-preserve-unknown-fields"] = true;
        }

        AddRules(schema, property.GetCustomAttributes<CelRuleAttribute>());
    }

    private static JsonValue? Number(object value, string? schemaType)
    {
        if (value is bool or string)
        {
            return null;
        }

        var number = Convert.ToDouble(value, CultureInfo.InvariantCulture);
        return schemaType == "integer" ? JsonValue.Create((long)number) : JsonValue.Create(number);
    }

    private static void AddRules(JsonObject schema, IEnumerable<CelRuleAttribute> rules)
    {
        var list = new JsonArray();
        foreach (var rule in rules.OrderBy(r => r.Rule, StringComparer.Ordinal))
        {
            var entry = new JsonObject { ["rule"] = rule.Rule, ["message"] = rule.Message };
            if (rule.FieldPath is not null)
            {
                entry["fieldPath"] = rule.FieldPath;
                entry["reason"] = "FieldValueInvalid";
            }

            list.Add(entry);
        }

        if (list.Count > 0)
        {
            schema["x-kubernetes-validations"] = list;
        }
    }

    private static void AddDescription(JsonObject schema, string? description)
    {
        if (!string.IsNullOrWhiteSpace(description))
        {
            schema["description"] = description;
        }
    }

    private static readonly string[] KeyOrder =
    [
        "description", "type", "format", "enum", "default", "minimum", "maximum", "minLength", "maxLength",
        "pattern", "minItems", "maxItems", "items", "additionalProperties", "properties", "required",
        "x-kubernetes-list-type", "x-kubernetes-list-map-keys", "x-kubernetes-preserve-unknown-fields",
        "x-kubernetes-validations",
    ];

    /// <summary>Re-inserts the keys in <see cref="KeyOrder"/> so every schema reads the same way.</summary>
    private static JsonObject Sorted(JsonObject schema)
    {
        var entries = schema.ToList();
        schema.Clear();
        foreach (var (key, value) in entries.OrderBy(e => Array.IndexOf(KeyOrder, e.Key) is var i && i < 0 ? int.MaxValue : i).ThenBy(e => e.Key, StringComparer.Ordinal))
        {
            schema[key] = value;
        }

        if (schema["properties"] is JsonObject properties)
        {
            var sortedProperties = properties.OrderBy(p => p.Key, StringComparer.Ordinal).ToList();
            properties.Clear();
            foreach (var (key, value) in sortedProperties)
            {
                properties[key] = value is JsonObject child ? Sorted(child) : value;
            }
        }

        if (schema["items"] is JsonObject items)
        {
            Sorted(items);
        }

        if (schema["additionalProperties"] is JsonObject additional)
        {
            Sorted(additional);
        }

        return schema;
    }
}
