using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace SlmFleet.Operator.RoutingPolicies;

/// <summary>
/// A Secret as the operator caches it: metadata and the names of its data keys — the values are
/// skipped while the JSON is read (<see cref="KeyNamesOnlyConverter"/>), so no Secret value is ever
/// held in the informer cache, a status, an Event or a log.
/// </summary>
[KubernetesEntity(Group = "", ApiVersion = "v1", Kind = "Secret", PluralName = "secrets")]
internal sealed class SecretKeyNames : IKubernetesObject<V1ObjectMeta>
{
    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = "v1";

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = "Secret";

    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    /// <summary>Names of the keys under <c>data</c>; the values are never read.</summary>
    [JsonPropertyName("data")]
    [JsonConverter(typeof(KeyNamesOnlyConverter))]
    public List<string>? Keys { get; set; }
}
