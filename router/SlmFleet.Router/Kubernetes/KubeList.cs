using System.Text.Json.Serialization;
using k8s.Models;

namespace SlmFleet.Router.Kubernetes;

/// <summary>A list response for a custom resource: its items and the resourceVersion to watch from.</summary>
internal sealed class KubeList<T>
{
    [JsonPropertyName("metadata")]
    public V1ListMeta? Metadata { get; set; }

    [JsonPropertyName("items")]
    public List<T> Items { get; set; } = [];
}
