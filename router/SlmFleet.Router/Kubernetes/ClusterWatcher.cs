using System.Runtime.CompilerServices;
using k8s;
using k8s.Models;
using SlmFleet.Api;
using SlmFleet.Api.V1Alpha1;
using SlmFleet.Router.Budget;
using SlmFleet.Router.Calibration;
using SlmFleet.Router.Hosting;
using SlmFleet.Router.Observability;
using SlmFleet.Router.Policies;
using SlmFleet.Router.Slm;

namespace SlmFleet.Router.Kubernetes;

/// <summary>
/// Cluster mode: watches, in the router's namespace, RoutingPolicies (→ policies), SlmDeployments
/// (→ served model names) and the EndpointSlices of their Services (→ worker endpoints; the Service is
/// named after the SlmDeployment, the port named <c>grpc</c> or the first port). Status belongs to the
/// operator: the router only reads it, and takes the fleet's LLM spend the operator sums there into its
/// budget decisions (<see cref="BudgetTracker.ObserveStatus"/>).
/// </summary>
internal sealed class ClusterWatcher(
    RouterOptions options,
    PolicyStore store,
    SlmEndpointRegistry registry,
    BudgetTracker budget,
    ThresholdCalibrator calibrator,
    RouterMetrics metrics,
    TimeProvider time,
    ILogger<ClusterWatcher> logger,
    DemandRecorder? demand = null) : BackgroundService
{
    /// <summary>Deployments that had endpoints in the last slice set (touched only by the slice watch, one call at a time).</summary>
    private readonly HashSet<string> _endpointDeployments = new(StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var config = KubernetesClientConfiguration.IsInCluster()
            ? KubernetesClientConfiguration.InClusterConfig()
            : KubernetesClientConfiguration.BuildConfigFromConfigFile();
        using var client = new k8s.Kubernetes(config);
        var ns = string.IsNullOrEmpty(options.Namespace) ? config.Namespace ?? "default" : options.Namespace;
        await RunAsync(client, ns, stoppingToken).ConfigureAwait(false);
    }

    /// <summary>Watches <paramref name="ns"/> through <paramref name="client"/> until cancelled (tests point it at a test API server).</summary>
    internal Task RunAsync(IKubernetes client, string ns, CancellationToken stoppingToken)
    {
        // Cold requests record demand on the SlmDeployments this watcher reads, through the same client.
        demand?.Attach(client, ns);
        var policies = new ResourceWatch<V1Alpha1RoutingPolicy>(
            "routingpolicies",
            ct => ListCustomAsync<V1Alpha1RoutingPolicy>(client, ns, V1Alpha1RoutingPolicy.Plural, ct),
            (rv, ct) => WatchCustom<V1Alpha1RoutingPolicy>(client, ns, V1Alpha1RoutingPolicy.Plural, rv, ct),
            p => p.Metadata.Name,
            OnPolicies,
            time,
            logger);
        var deployments = new ResourceWatch<V1Alpha1SlmDeployment>(
            "slmdeployments",
            ct => ListCustomAsync<V1Alpha1SlmDeployment>(client, ns, V1Alpha1SlmDeployment.Plural, ct),
            (rv, ct) => WatchCustom<V1Alpha1SlmDeployment>(client, ns, V1Alpha1SlmDeployment.Plural, rv, ct),
            d => d.Metadata.Name,
            items => store.SetDeployments([.. items.Select(d => new SlmDeploymentEntry(
                d.Metadata.Name, d.Spec.Model.Name, d.Spec.MinReplicas == 0, d.Status?.WarmUp?.PredictedSeconds, StartingSince(d.Status)))]),
            time,
            logger);
        var slices = new ResourceWatch<V1EndpointSlice>(
            "endpointslices",
            async ct =>
            {
                var list = await client.DiscoveryV1.ListNamespacedEndpointSliceAsync(ns, labelSelector: WorkerSliceSelector, cancellationToken: ct).ConfigureAwait(false);
                return (list.Items.ToList(), list.Metadata?.ResourceVersion);
            },
            (rv, ct) => client.DiscoveryV1.WatchListNamespacedEndpointSliceAsync(ns, labelSelector: WorkerSliceSelector, resourceVersion: rv, cancellationToken: ct),
            s => s.Metadata.Name,
            OnSlices,
            time,
            logger);
        return Task.WhenAll(policies.RunAsync(stoppingToken), deployments.RunAsync(stoppingToken), slices.RunAsync(stoppingToken));
    }

    /// <summary>When the fleet's current start began: the operator's last scale while it asks for replicas and none is ready.</summary>
    private static DateTimeOffset? StartingSince(SlmDeploymentStatus? status) =>
        status is { DesiredReplicas: > 0, ReadyReplicas: null or 0, LastScaleTime: { } at }
            ? new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc))
            : null;

    private static async Task<(IReadOnlyList<T> Items, string? ResourceVersion)> ListCustomAsync<T>(IKubernetes client, string ns, string plural, CancellationToken ct)
    {
        var list = await client.CustomObjects.ListNamespacedCustomObjectAsync<KubeList<T>>(ApiGroup.Group, ApiGroup.Version, ns, plural, cancellationToken: ct).ConfigureAwait(false);
        return (list.Items, list.Metadata?.ResourceVersion);
    }

    private static async IAsyncEnumerable<(WatchEventType, T)> WatchCustom<T>(IKubernetes client, string ns, string plural, string? rv, [EnumeratorCancellation] CancellationToken ct)
    {
        // The custom-object watch yields untyped objects; a round trip through the client's serializer types them.
        await foreach (var (type, item) in client.CustomObjects.WatchListNamespacedCustomObjectAsync(ApiGroup.Group, ApiGroup.Version, ns, plural, resourceVersion: rv, cancellationToken: ct).ConfigureAwait(false))
        {
            yield return (type, KubernetesJson.Deserialize<T>(KubernetesJson.Serialize(item)));
        }
    }

    /// <summary>
    /// The last version of each policy (by uid) that passed validation: an edit that breaks a policy
    /// keeps it serving as it was (thresholds included) instead of taking its alias offline.
    /// Touched only by the policy watch, one call at a time.
    /// </summary>
    private readonly Dictionary<string, RoutingPolicySpec> _lastGood = new(StringComparer.Ordinal);

    private void OnPolicies(IReadOnlyCollection<V1Alpha1RoutingPolicy> items)
    {
        var valid = new List<RoutingPolicySpec>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in items.OrderBy(p => p.Metadata.CreationTimestamp))
        {
            var uid = item.Metadata.Uid ?? item.Metadata.Name;
            seen.Add(uid);
            var spec = item.Spec;
            var errors = PolicyValidator.Validate([spec]);
            if (errors.Count > 0 && _lastGood.TryGetValue(uid, out var lastGood))
            {
                // The operator reports the broken edit on the policy's status; until it is fixed the alias serves as before.
                RouterLog.PolicyInvalid(logger, item.Metadata.Name, string.Join("; ", errors) + "; serving its last valid version");
                spec = lastGood;
                errors = [];
            }

            if (errors.Count > 0 || valid.Exists(p => p.ModelAlias == spec.ModelAlias))
            {
                // The operator reports it on the policy's status; the router keeps serving the others.
                RouterLog.PolicyInvalid(logger, item.Metadata.Name, errors.Count > 0 ? string.Join("; ", errors) : "duplicate modelAlias");
                continue;
            }

            _lastGood[uid] = spec;
            valid.Add(Promoted(spec, item.Status?.Promotion));
            budget.ObserveStatus(spec.ModelAlias, spec.Budget, item.Status?.Month, item.Status?.SpendThisMonthUsd);
            // The operator's fleet-wide calibration (a stale one from before a spec change still beats none).
            calibrator.ObserveStatus(spec.ModelAlias, item.Status?.Calibration);
        }

        foreach (var gone in _lastGood.Keys.Where(uid => !seen.Contains(uid)).ToList())
        {
            _lastGood.Remove(gone);
        }

        budget.ForgetStatusesExcept(valid.Select(p => p.ModelAlias).ToHashSet(StringComparer.Ordinal));
        store.SetPolicies(valid);
        RouterLog.PoliciesLoaded(logger, valid.Count, store.Current.Deployments.Count, "cluster");
    }

    /// <summary>
    /// The spec the router serves: with an automatic promotion in force (the operator's
    /// <c>status.promotion</c>, naming the spec's candidate), the candidate serves the traffic and is no
    /// longer compared with itself. A promotion that no longer names the candidate is ignored.
    /// </summary>
    internal static RoutingPolicySpec Promoted(RoutingPolicySpec spec, PromotionStatus? promotion)
    {
        if (promotion?.Deployment is not { } promoted || spec.Candidate?.DeploymentRef.Name != promoted || spec.Slm.DeploymentRef.Name == promoted)
        {
            return spec;
        }

        // A deep copy (every field, including ones added later), then the switch.
        var served = KubernetesJson.Deserialize<RoutingPolicySpec>(KubernetesJson.Serialize(spec));
        served.Slm.DeploymentRef.Name = promoted;
        served.Candidate = null;
        return served;
    }

    /// <summary>
    /// Only the slices of the operator's worker Services: the operator labels each worker Service
    /// slmfleet.io/deployment=&lt;name&gt;, and the EndpointSlice controller mirrors a Service's labels
    /// onto its slices (Kubernetes 1.20 and later). Selecting on it keeps every other Service in the
    /// namespace out of the router's cache, its endpoint pools and its metric labels.
    /// </summary>
    internal const string WorkerSliceSelector = "kubernetes.io/service-name,slmfleet.io/deployment";

    /// <summary>The SlmDeployment a worker slice serves (its slmfleet.io/deployment label), or null for any other slice.</summary>
    internal static string? DeploymentOf(V1EndpointSlice slice) =>
        slice.Metadata.Labels is { } labels && labels.TryGetValue("slmfleet.io/deployment", out var deployment) && deployment.Length > 0 ? deployment : null;

    private void OnSlices(IReadOnlyCollection<V1EndpointSlice> slices)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var service in slices.Where(s => DeploymentOf(s) is not null).GroupBy(s => DeploymentOf(s)!))
        {
            seen.Add(service.Key);
            var addresses = new List<Uri>();
            foreach (var slice in service)
            {
                var port = slice.Ports?.FirstOrDefault(p => p.Name == "grpc") ?? slice.Ports?.FirstOrDefault();
                foreach (var endpoint in slice.Endpoints ?? [])
                {
                    if (port?.Port is not { } number || endpoint.Conditions?.Ready == false)
                    {
                        continue;
                    }

                    addresses.AddRange(endpoint.Addresses.Select(a => new Uri($"http://{(a.Contains(':', StringComparison.Ordinal) ? $"[{a}]" : a)}:{number}")));
                }
            }

            registry.Update(service.Key, addresses);
            metrics.Endpoints.WithLabels(service.Key).Set(addresses.Count);
            RouterLog.EndpointsUpdated(logger, service.Key, addresses.Count);
        }

        // A deployment whose last slice was deleted has no group above: empty its pool, or the router
        // would keep sending to workers that are gone.
        foreach (var gone in _endpointDeployments.Where(d => !seen.Contains(d)).ToList())
        {
            registry.Update(gone, []);
            metrics.Endpoints.WithLabels(gone).Set(0);
            RouterLog.EndpointsUpdated(logger, gone, 0);
        }

        _endpointDeployments.Clear();
        _endpointDeployments.UnionWith(seen);
    }
}
