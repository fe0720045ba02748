using System.Collections.Concurrent;

namespace SlmFleet.Testing.Kubernetes;

/// <summary>
/// The resource kinds a <see cref="KubeApiTestServer"/> serves, looked up by group, version and
/// plural. Starts with the built-in kinds an operator typically touches; tests register more
/// (custom resources) with <see cref="Register"/>.
/// </summary>
public sealed class ResourceRegistry
{
    private readonly ConcurrentDictionary<(string Group, string Version, string Plural), ResourceType> _types = new();

    internal ResourceRegistry()
    {
        foreach (var type in BuiltIns())
        {
            Register(type);
        }
    }

    /// <summary>All registered kinds.</summary>
    public IReadOnlyCollection<ResourceType> All => _types.Values.ToList();

    /// <summary>Adds (or replaces) a kind; safe to call while the server runs.</summary>
    public void Register(ResourceType type)
    {
        ArgumentNullException.ThrowIfNull(type);
        _types[(type.Group, type.Version, type.Plural)] = type;
    }

    /// <summary>Finds a kind by its path coordinates; null when not registered.</summary>
    public ResourceType? Find(string group, string version, string plural) =>
        _types.TryGetValue((group, version, plural), out var type) ? type : null;

    private static IEnumerable<ResourceType> BuiltIns()
    {
        var deploymentScale = new ScaleSubresource(LabelSelectorPath: ".spec.selector");
        return
        [
            new("", "v1", "namespaces", "Namespace", Namespaced: false, HasStatus: true),
            new("", "v1", "nodes", "Node", Namespaced: false, HasStatus: true),
            new("", "v1", "configmaps", "ConfigMap"),
            new("", "v1", "secrets", "Secret"),
            new("", "v1", "services", "Service", HasStatus: true),
            new("", "v1", "endpoints", "Endpoints"),
            new("", "v1", "pods", "Pod", HasStatus: true),
            new("", "v1", "serviceaccounts", "ServiceAccount"),
            new("", "v1", "persistentvolumeclaims", "PersistentVolumeClaim", HasStatus: true),
            new("", "v1", "events", "Event"),
            new("apps", "v1", "deployments", "Deployment", HasStatus: true, Scale: deploymentScale),
            new("apps", "v1", "statefulsets", "StatefulSet", HasStatus: true, Scale: deploymentScale),
            new("apps", "v1", "replicasets", "ReplicaSet", HasStatus: true, Scale: deploymentScale),
            new("policy", "v1", "poddisruptionbudgets", "PodDisruptionBudget", HasStatus: true),
            new("coordination.k8s.io", "v1", "leases", "Lease"),
            new("events.k8s.io", "v1", "events", "Event"),
            new("autoscaling", "v2", "horizontalpodautoscalers", "HorizontalPodAutoscaler", HasStatus: true),
            new("discovery.k8s.io", "v1", "endpointslices", "EndpointSlice"),
        ];
    }
}
