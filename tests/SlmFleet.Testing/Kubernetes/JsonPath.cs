using System.Text.Json.Nodes;

namespace SlmFleet.Testing.Kubernetes;

/// <summary>Reads and writes dotted paths such as <c>.spec.replicas</c> in a JSON object.</summary>
internal static class JsonPath
{
    public static JsonNode? Get(JsonObject root, string path)
    {
        JsonNode? node = root;
        foreach (var segment in Segments(path))
        {
            node = node is JsonObject o && o.TryGetPropertyValue(segment, out var child) ? child : null;
        }

        return node;
    }

    public static void Set(JsonObject root, string path, JsonNode? value)
    {
        var segments = Segments(path);
        var node = root;
        foreach (var segment in segments[..^1])
        {
            if (node[segment] is not JsonObject child)
            {
                child = [];
                node[segment] = child;
            }

            node = child;
        }

        node[segments[^1]] = value;
    }

    private static string[] Segments(string path) => path.TrimStart('.').Split('.');
}
