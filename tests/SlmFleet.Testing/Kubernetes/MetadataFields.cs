using System.Text.Json.Nodes;

namespace SlmFleet.Testing.Kubernetes;

/// <summary>Reads metadata fields of stored objects (which always have metadata, name and resourceVersion).</summary>
internal static class MetadataFields
{
    public static string Version(JsonObject obj) => obj["metadata"]!["resourceVersion"]!.GetValue<string>();

    public static long Generation(JsonObject obj) => obj["metadata"]?["generation"]?.GetValue<long>() ?? 1;

    public static int Finalizers(JsonObject obj) => obj["metadata"]?["finalizers"] is JsonArray a ? a.Count : 0;

    public static string Name(JsonObject obj) => obj["metadata"]!["name"]!.GetValue<string>();

    public static string? Namespace(JsonObject obj) => obj["metadata"]?["namespace"]?.GetValue<string>();
}
