using System.Text.Json.Nodes;

namespace SlmFleet.Testing.Kubernetes;

/// <summary>
/// Applies the patch types the test server accepts to a JSON document:
/// JSON merge patch (RFC 7386) and JSON patch (RFC 6902). Strategic merge patch is served as a merge
/// patch: lists are replaced whole instead of merged by their patch merge key, and <c>$patch</c>
/// directives are not understood.
/// </summary>
internal static class PatchApplier
{
    public const string MergePatch = "application/merge-patch+json";
    public const string JsonPatch = "application/json-patch+json";
    public const string StrategicMergePatch = "application/strategic-merge-patch+json";
    public const string ApplyPatch = "application/apply-patch+yaml";

    public static JsonNode? ApplyMerge(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject patchObject)
        {
            return patch?.DeepClone();
        }

        var result = target is JsonObject targetObject ? (JsonObject)targetObject.DeepClone() : [];
        foreach (var (name, value) in patchObject)
        {
            if (value is null)
            {
                result.Remove(name);
            }
            else
            {
                result[name] = ApplyMerge(result.TryGetPropertyValue(name, out var existing) ? existing : null, value);
            }
        }

        return result;
    }

    public static JsonNode ApplyJsonPatch(JsonNode target, JsonArray operations)
    {
        var document = target.DeepClone();
        foreach (var operation in operations)
        {
            if (operation is not JsonObject op)
            {
                throw KubeApiException.BadRequest("json patch: each operation must be an object");
            }

            var kind = op["op"]?.GetValue<string>()
                ?? throw KubeApiException.BadRequest("json patch: operation is missing 'op'; accepted: add, remove, replace, move, copy, test");
            var path = op["path"]?.GetValue<string>()
                ?? throw KubeApiException.BadRequest($"json patch: '{kind}' operation is missing 'path'");
            switch (kind)
            {
                case "add":
                    document = Add(document, path, op["value"]?.DeepClone());
                    break;
                case "remove":
                    document = Remove(document, path, out _);
                    break;
                case "replace":
                    document = Remove(document, path, out _);
                    document = Add(document, path, op["value"]?.DeepClone());
                    break;
                case "move":
                    document = Remove(document, From(op, kind), out var moved);
                    document = Add(document, path, moved);
                    break;
                case "copy":
                    document = Add(document, path, Get(document, From(op, kind))?.DeepClone());
                    break;
                case "test":
                    if (!JsonNode.DeepEquals(Get(document, path), op["value"]))
                    {
                        throw new KubeApiException(422, "Invalid", $"json patch: test operation failed at '{path}'");
                    }

                    break;
                default:
                    throw KubeApiException.BadRequest($"json patch: unknown op '{kind}'; accepted: add, remove, replace, move, copy, test");
            }
        }

        return document;
    }

    private static string From(JsonObject op, string kind) =>
        op["from"]?.GetValue<string>() ?? throw KubeApiException.BadRequest($"json patch: '{kind}' operation is missing 'from'");

    private static string[] Tokens(string pointer)
    {
        if (pointer.Length == 0)
        {
            return [];
        }

        if (!pointer.StartsWith('/'))
        {
            throw KubeApiException.BadRequest($"json patch: path '{pointer}' must start with '/'");
        }

        return pointer[1..].Split('/').Select(t => t.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)).ToArray();
    }

    private static JsonNode? Get(JsonNode document, string pointer)
    {
        JsonNode? node = document;
        foreach (var token in Tokens(pointer))
        {
            node = node switch
            {
                JsonObject o when o.TryGetPropertyValue(token, out var child) => child,
                JsonArray a when int.TryParse(token, out var index) && index >= 0 && index < a.Count => a[index],
                _ => throw new KubeApiException(422, "Invalid", $"json patch: path '{pointer}' does not exist"),
            };
        }

        return node;
    }

    private static JsonNode Add(JsonNode document, string pointer, JsonNode? value)
    {
        var tokens = Tokens(pointer);
        if (tokens.Length == 0)
        {
            return value ?? throw KubeApiException.BadRequest("json patch: cannot replace the whole document with null");
        }

        var parent = Get(document, ParentPointer(tokens));
        var last = tokens[^1];
        switch (parent)
        {
            case JsonObject o:
                o[last] = value;
                break;
            case JsonArray a when last == "-":
                a.Add(value);
                break;
            case JsonArray a when int.TryParse(last, out var index) && index >= 0 && index <= a.Count:
                a.Insert(index, value);
                break;
            default:
                throw new KubeApiException(422, "Invalid", $"json patch: cannot add at '{pointer}'");
        }

        return document;
    }

    private static JsonNode Remove(JsonNode document, string pointer, out JsonNode? removed)
    {
        var tokens = Tokens(pointer);
        var parent = Get(document, ParentPointer(tokens));
        var last = tokens[^1];
        switch (parent)
        {
            case JsonObject o when o.TryGetPropertyValue(last, out var child):
                removed = child;
                o.Remove(last);
                break;
            case JsonArray a when int.TryParse(last, out var index) && index >= 0 && index < a.Count:
                removed = a[index];
                a.RemoveAt(index);
                break;
            default:
                throw new KubeApiException(422, "Invalid", $"json patch: path '{pointer}' does not exist");
        }

        removed = removed?.DeepClone();
        return document;
    }

    private static string ParentPointer(string[] tokens) =>
        tokens.Length <= 1 ? "" : "/" + string.Join('/', tokens[..^1].Select(Escape));

    private static string Escape(string token) =>
        token.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);
}
