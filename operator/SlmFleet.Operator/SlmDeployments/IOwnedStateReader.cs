using k8s.Models;
using SlmFleet.Api.V1Alpha1;

namespace SlmFleet.Operator.SlmDeployments;

/// <summary>
/// Where the reconciler reads state from: informer caches in the controller (no API request per
/// reconcile), or the API server directly. Every Get returns null for "does not exist".
/// </summary>
internal interface IOwnedStateReader
{
    Task<V1Alpha1SlmDeployment?> GetResourceAsync(string ns, string name, CancellationToken cancellationToken);

    Task<V1Deployment?> GetDeploymentAsync(string ns, string name, CancellationToken cancellationToken);

    Task<V1Service?> GetServiceAsync(string ns, string name, CancellationToken cancellationToken);

    Task<V1PodDisruptionBudget?> GetDisruptionBudgetAsync(string ns, string name, CancellationToken cancellationToken);

    /// <summary>The keys of a Secret (never its values).</summary>
    Task<IReadOnlyCollection<string>?> GetSecretKeysAsync(string ns, string name, CancellationToken cancellationToken);

    /// <summary>The HorizontalPodAutoscalers that scale SlmDeployment <paramref name="name"/> (through its scale subresource or its worker Deployment).</summary>
    Task<IReadOnlyList<V2HorizontalPodAutoscaler>> GetAutoscalersAsync(string ns, string name, CancellationToken cancellationToken);

    Task<V1PersistentVolumeClaim?> GetClaimAsync(string ns, string name, CancellationToken cancellationToken);

    /// <summary>The RoutingPolicies of the namespace; null when they cannot be read (not watched, or the kind is not installed).</summary>
    Task<IReadOnlyList<V1Alpha1RoutingPolicy>?> GetRoutingPoliciesAsync(string ns, CancellationToken cancellationToken);

    /// <summary>
    /// Tells the reader what a write returned, so the next reconcile sees it even before the watch
    /// delivers it (a cache reader would otherwise plan the same create or status write twice).
    /// </summary>
    void Wrote(object written);

    /// <summary>Tells the reader an object is gone or may be (the garbage collector deleted it, or a write found it missing): forget any record of it.</summary>
    void Deleted(Type type, string ns, string name);
}
