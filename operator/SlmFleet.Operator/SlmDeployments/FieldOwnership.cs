using System.Text.Json.Nodes;
using k8s;
using k8s.Models;

namespace SlmFleet.Operator.SlmDeployments;

/// <summary>
/// Reads <c>metadata.managedFields</c> (server-side apply's record of who owns which field) without a
/// schema. A field changed or removed by anyone else leaves the operator's field set (an update takes
/// ownership of what it changes), so "does our entry still cover every field of the configuration we
/// apply?" detects drift in any owned field, while fields the API server defaults or other controllers
/// add never count. List elements are matched by the key the server wrote (<c>k:{"name":"worker"}</c>)
/// or by value (<c>v:"x"</c>); an empty node owns its whole subtree (atomic lists and structs).
/// </summary>
internal static class FieldOwnership
{
    private const string ApplyOperation = "Apply";

    /// <summary>The field set <paramref name="manager"/> applied to the object itself (not a subresource); null when it has none.</summary>
    public static JsonObject? AppliedFields(V1ObjectMeta? metadata, string manager)
    {
        var entry = metadata?.ManagedFields?.FirstOrDefault(e =>
            e.Manager == manager && e.Operation == ApplyOperation && string.IsNullOrEmpty(e.Subresource));
        return entry?.FieldsV1 is null ? null : JsonNode.Parse(KubernetesJson.Serialize(entry.FieldsV1)) as JsonObject;
    }

    /// <summary>Whether the API server records field ownership for this object at all (every real one does).</summary>
    public static bool Tracked(V1ObjectMeta? metadata) => metadata?.ManagedFields is { Count: > 0 };

    /// <summary>Whether <paramref name="fields"/> owns the field at <paramref name="path"/> (JSON property names).</summary>
    public static bool Owns(JsonObject? fields, params string[] path)
    {
        JsonNode? node = fields;
        foreach (var name in path)
        {
            if (node is not JsonObject current || !current.TryGetPropertyValue("f:" + name, out node))
            {
                return false;
            }
        }

        return node is not null;
    }

    /// <summary>The managers other than <paramref name="except"/> that own the field at <paramref name="path"/>.</summary>
    public static IReadOnlyList<string> Owners(V1ObjectMeta metadata, string except, params string[] path) =>
        [.. (metadata.ManagedFields ?? [])
            .Where(e => e.Manager != except && e.FieldsV1 is not null)
            .Where(e => Owns(JsonNode.Parse(KubernetesJson.Serialize(e.FieldsV1)) as JsonObject, path))
            .Select(e => e.Manager)
            .Distinct(StringComparer.Ordinal)];

    /// <summary>
    /// Whether <paramref name="fields"/> owns every field set in <paramref name="applied"/> (an object as
    /// sent in an apply). apiVersion, kind, metadata.name and metadata.namespace are identity, not fields.
    /// </summary>
    public static bool CoversApplied(JsonObject? fields, IKubernetesObject<V1ObjectMeta> applied)
    {
        if (fields is null || JsonNode.Parse(KubernetesJson.Serialize(applied)) is not JsonObject body)
        {
            return false;
        }

        body.Remove("apiVersion");
        body.Remove("kind");
        if (body["metadata"] is JsonObject metadata)
        {
            metadata.Remove("name");
            metadata.Remove("namespace");
        }

        return Covers(fields, body);
    }

    private static bool Covers(JsonNode? fields, JsonNode? applied)
    {
        if (fields is not JsonObject owned)
        {
            return false;
        }

        if (owned.Count == 0)
        {
            // A leaf, or an atomic list/struct owned as a whole.
            return true;
        }

        return applied switch
        {
            JsonObject map => map.All(p => p.Value is null || (owned.TryGetPropertyValue("f:" + p.Key, out var child) && Covers(child, p.Value))),
            JsonArray list => list.All(item => CoversElement(owned, item)),
            _ => true,
        };
    }

    private static bool CoversElement(JsonObject owned, JsonNode? item)
    {
        if (item is JsonObject element)
        {
            var keyed = owned.FirstOrDefault(p => p.Key.StartsWith("k:", StringComparison.Ordinal) && KeyMatches(p.Key[2..], element));
            return keyed.Value is not null && Covers(keyed.Value, element);
        }

        return owned.ContainsKey("v:" + (item?.ToJsonString() ?? "null"));
    }

    private static bool KeyMatches(string key, JsonObject element) =>
        JsonNode.Parse(key) is JsonObject fields
        && fields.All(f => element.TryGetPropertyValue(f.Key, out var value) && JsonNode.DeepEquals(value, f.Value));
}
