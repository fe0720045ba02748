using System.Collections.Concurrent;
using System.Globalization;
using k8s;
using k8s.Models;
using SlmFleet.Api.V1Alpha1;
using SlmFleet.Operator.Autoscaling;
using SlmFleet.Operator.Runtime;

namespace SlmFleet.Operator.SlmDeployments;

/// <summary>
/// Reads from the controller's informer caches (zero API requests per reconcile) plus a short-lived
/// overlay of the objects this process just wrote. Without the overlay, a reconcile that runs before
/// the watch delivers our own write would plan the same create (409 AlreadyExists) or status update
/// (409 Conflict) again: wasted requests, and at 1,000 objects a storm of them.
/// Secrets are not cached (the operator does not list every Secret in the cluster): their keys are
/// read with one GET, only for SlmDeployments that reference one.
/// </summary>
internal sealed class CachedStateReader : IOwnedStateReader
{
    private static readonly TimeSpan OverlayLifetime = TimeSpan.FromSeconds(60);

    private readonly Informer<V1Alpha1SlmDeployment> _resources;
    private readonly Informer<V1Deployment> _deployments;
    private readonly Informer<V1Service> _services;
    private readonly Informer<V1PodDisruptionBudget> _budgets;
    private readonly ApiOwnedStateReader _api;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<(Type Type, string Namespace, string Name), (object Object, DateTimeOffset Until)> _overlay = new();

    public CachedStateReader(
        Informer<V1Alpha1SlmDeployment> resources,
        Informer<V1Deployment> deployments,
        Informer<V1Service> services,
        Informer<V1PodDisruptionBudget> budgets,
        IKubernetes client,
        TimeProvider time)
    {
        _resources = resources;
        _deployments = deployments;
        _services = services;
        _budgets = budgets;
        _api = new ApiOwnedStateReader(client);
        _time = time;
    }

    public Task<V1Alpha1SlmDeployment?> GetResourceAsync(string ns, string name, CancellationToken cancellationToken)
    {
        var cached = _resources.Get(new ObjectKey(ns, name));
        // The cache decides existence of the primary object: once the watch says it is gone, it is gone.
        return Task.FromResult(cached is null ? Forget<V1Alpha1SlmDeployment>(ns, name) : Newest(cached));
    }

    public Task<V1Deployment?> GetDeploymentAsync(string ns, string name, CancellationToken cancellationToken) =>
        Task.FromResult(Read(_deployments, ns, name));

    public Task<V1Service?> GetServiceAsync(string ns, string name, CancellationToken cancellationToken) =>
        Task.FromResult(Read(_services, ns, name));

    public Task<V1PodDisruptionBudget?> GetDisruptionBudgetAsync(string ns, string name, CancellationToken cancellationToken) =>
        Task.FromResult(Read(_budgets, ns, name));

    public Task<IReadOnlyCollection<string>?> GetSecretKeysAsync(string ns, string name, CancellationToken cancellationToken) =>
        _api.GetSecretKeysAsync(ns, name, cancellationToken);

    /// <summary>HorizontalPodAutoscalers of the watched namespaces; null: none are watched (no HPA is reported).</summary>
    public Informer<V2HorizontalPodAutoscaler>? Autoscalers { get; init; }

    /// <summary>PersistentVolumeClaims of the watched namespaces (trimmed, <see cref="ClaimTrim"/>); null: read with one GET each.</summary>
    public Informer<V1PersistentVolumeClaim>? Claims { get; init; }

    /// <summary>RoutingPolicies of the watched namespaces; null: not watched (the ScaleFromZero check is skipped).</summary>
    public Informer<V1Alpha1RoutingPolicy>? RoutingPolicies { get; init; }

    public Task<IReadOnlyList<V2HorizontalPodAutoscaler>> GetAutoscalersAsync(string ns, string name, CancellationToken cancellationToken) =>
        Task.FromResult(Autoscalers is null ? [] : ExternalAutoscalers.Targeting(Autoscalers.List(), ns, name));

    public Task<V1PersistentVolumeClaim?> GetClaimAsync(string ns, string name, CancellationToken cancellationToken) =>
        Claims is null ? _api.GetClaimAsync(ns, name, cancellationToken) : Task.FromResult(Claims.Get(new ObjectKey(ns, name)));

    public Task<IReadOnlyList<V1Alpha1RoutingPolicy>?> GetRoutingPoliciesAsync(string ns, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<V1Alpha1RoutingPolicy>?>(RoutingPolicies?.List().Where(p => p.Metadata.NamespaceProperty == ns).ToList());

    public void Wrote(object written)
    {
        if (written is IKubernetesObject<V1ObjectMeta> obj)
        {
            _overlay[(written.GetType(), obj.Metadata.NamespaceProperty, obj.Metadata.Name)] = (written, _time.GetUtcNow() + OverlayLifetime);
        }
    }

    public void Deleted(Type type, string ns, string name) => _overlay.TryRemove((type, ns, name), out _);

    private T? Read<T>(Informer<T> informer, string ns, string name)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var cached = informer.Get(new ObjectKey(ns, name));
        return cached is null ? FromOverlay<T>(ns, name) : Newest(cached);
    }

    private T? FromOverlay<T>(string ns, string name)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var key = (typeof(T), ns, name);
        if (!_overlay.TryGetValue(key, out var entry))
        {
            return null;
        }

        if (entry.Until < _time.GetUtcNow())
        {
            // The watch never confirmed it (deleted meanwhile?): trust the cache again.
            _overlay.TryRemove(key, out _);
            return null;
        }

        return entry.Object as T;
    }

    private T? Forget<T>(string ns, string name)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        _overlay.TryRemove((typeof(T), ns, name), out _);
        return null;
    }

    /// <summary>
    /// The cached object, unless our own write is newer. resourceVersions are opaque by contract, but
    /// every API server in practice (etcd revisions) issues increasing integers; when either does not
    /// parse, the cache wins.
    /// </summary>
    private T Newest<T>(T cached)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var key = (typeof(T), cached.Metadata.NamespaceProperty, cached.Metadata.Name);
        if (!_overlay.TryGetValue(key, out var entry) || entry.Object is not T written)
        {
            return cached;
        }

        if (Version(written) is { } ours && Version(cached) is { } theirs && ours > theirs)
        {
            return written;
        }

        _overlay.TryRemove(key, out _);
        return cached;
    }

    private static long? Version(IKubernetesObject<V1ObjectMeta> obj) =>
        long.TryParse(obj.Metadata.ResourceVersion, NumberStyles.None, CultureInfo.InvariantCulture, out var version) ? version : null;
}
