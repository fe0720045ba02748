using System.Collections;
using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using k8s.Models;

namespace SlmFleet.Operator.Tests.Crds;

/// <summary>
/// Builds an OpenAPI v3 document for one API group version from the KubernetesClient model types by
/// reflection: served to kubectl by <see cref="KubectlStandInServer"/>, and used to check the
/// generated CRDs against the apiextensions.k8s.io/v1 types (unknown fields, wrong types). Free-form
/// fields (<c>object</c>-typed, such as JSONSchemaProps' <c>default</c>, <c>items</c> or
/// <c>additionalProperties</c>) become open schemas.
/// </summary>
internal static class ModelOpenApi
{
    public static JsonObject Document(Type rootType, string group, string version, string kind, string plural)
    {
        var schemas = new SortedDictionary<string, JsonObject>(StringComparer.Ordinal);
        Add(rootType, schemas);
        var root = schemas[Name(rootType)];
        root["x-kubernetes-group-version-kind"] = new JsonArray(new JsonObject { ["group"] = group, ["kind"] = kind, ["version"] = version });

        var components = new JsonObject();
        foreach (var (name, schema) in schemas)
        {
            components[name] = schema;
        }

        return new JsonObject
        {
            ["openapi"] = "3.0.0",
            ["info"] = new JsonObject { ["title"] = "Kubernetes", ["version"] = "v1.32.0" },
            ["paths"] = new JsonObject
            {
                // kubectl looks up the kind's PATCH operation to learn which query parameters the server
                // supports. Like every API server since 1.27 this one advertises `fieldValidation`, so
                // kubectl leaves schema validation to the server (here: CrdApiSchemaTests).
                [$"/apis/{group}/{version}/{plural}/{{name}}"] = new JsonObject
                {
                    ["patch"] = new JsonObject
                    {
                        ["x-kubernetes-action"] = "patch",
                        ["x-kubernetes-group-version-kind"] = new JsonObject { ["group"] = group, ["kind"] = kind, ["version"] = version },
                        ["parameters"] = new JsonArray(
                            new JsonObject { ["name"] = "dryRun", ["in"] = "query", ["schema"] = new JsonObject { ["type"] = "string" } },
                            new JsonObject { ["name"] = "fieldValidation", ["in"] = "query", ["schema"] = new JsonObject { ["type"] = "string" } }),
                        ["requestBody"] = new JsonObject
                        {
                            ["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = new JsonObject { ["$ref"] = "#/components/schemas/" + Name(rootType) } } },
                        },
                        ["responses"] = new JsonObject { ["200"] = new JsonObject { ["description"] = "OK" } },
                    },
                },
            },
            ["components"] = new JsonObject { ["schemas"] = components },
        };
    }

    /// <summary>The component name of a model type in <see cref="Document"/>.</summary>
    public static string Name(Type type) => "io.k8s.stand-in." + type.Name;

    private static void Add(Type type, SortedDictionary<string, JsonObject> schemas)
    {
        var name = Name(type);
        if (schemas.ContainsKey(name))
        {
            return;
        }

        var properties = new JsonObject();
        var schema = new JsonObject { ["type"] = "object", ["properties"] = properties };
        schemas[name] = schema;
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetCustomAttribute<JsonPropertyNameAttribute>() is { } json)
            {
                properties[json.Name] = For(property.PropertyType, schemas);
            }
        }
    }

    private static JsonObject For(Type type, SortedDictionary<string, JsonObject> schemas)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string) || type == typeof(byte[]) || type == typeof(ResourceQuantity))
        {
            return new JsonObject { ["type"] = "string" };
        }

        if (type == typeof(bool))
        {
            return new JsonObject { ["type"] = "boolean" };
        }

        if (type == typeof(int) || type == typeof(long))
        {
            return new JsonObject { ["type"] = "integer" };
        }

        if (type == typeof(double) || type == typeof(float))
        {
            return new JsonObject { ["type"] = "number" };
        }

        if (type == typeof(DateTime) || type == typeof(DateTimeOffset))
        {
            return new JsonObject { ["type"] = "string", ["format"] = "date-time" };
        }

        if (type == typeof(IntOrString))
        {
            return new JsonObject { ["x-kubernetes-int-or-string"] = true };
        }

        if (type == typeof(object))
        {
            return new JsonObject { ["x-kubernetes-preserve-unknown-fields"] = true };
        }

        if (type.IsGenericType && type.GetGenericArguments() is { Length: 2 } pair && typeof(IEnumerable).IsAssignableFrom(type))
        {
            return new JsonObject { ["type"] = "object", ["additionalProperties"] = For(pair[1], schemas) };
        }

        if (type.IsGenericType && typeof(IEnumerable).IsAssignableFrom(type))
        {
            return new JsonObject { ["type"] = "array", ["items"] = For(type.GetGenericArguments()[0], schemas) };
        }

        if (type.IsClass)
        {
            Add(type, schemas);
            return new JsonObject { ["$ref"] = "#/components/schemas/" + Name(type) };
        }

        return new JsonObject();
    }
}
