using System.Text.Json.Nodes;

namespace SlmFleet.Testing.Kubernetes;

/// <summary>
/// One change in the server's history. <paramref name="Object"/> is read only under the store lock
/// (for filtering); watch writers on other threads use the pre-serialized <paramref name="Line"/>.
/// </summary>
internal sealed record WatchEventRecord(long ResourceVersion, ResourceType Type, string? Namespace, string EventType, JsonObject Object, string Line);
