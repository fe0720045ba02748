using k8s;
using Prometheus;
using SlmFleet.Api.V1Alpha1;
using SlmFleet.Operator.Runtime;
using SlmFleet.Operator.SlmDeployments;

namespace SlmFleet.Operator.RoutingPolicies;

/// <summary>
/// Registers the RoutingPolicy controller on a manager. Besides its own kind it watches, so that a
/// policy is planned again the moment what it refers to changes:
/// <code>
///   SlmDeployment added/deleted/Ready flipped ─► policies with spec.slm.deploymentRef.name = it
///   Secret added/deleted/keys changed          ─► policies with spec.llm.apiKeySecretRef.name = it
///   RoutingPolicy alias added/changed/deleted  ─► the other policies claiming the old or new alias
/// </code>
/// Secrets are cached as key names only (<see cref="SecretKeyNames"/>).
/// </summary>
internal static class RoutingPolicyController
{
    private static readonly Lazy<HttpClient> ScrapeClient = new(() => new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }));

    /// <summary>
    /// Adds the controller for the policies in <c>watchNamespace</c> (null: all). Usage comes from
    /// <c>usageSource</c>, or when null from <see cref="RoutingPolicyOptions.RouterMetricsUrls"/> or else
    /// the router pods in <c>routerNamespace</c> (<see cref="PodRouterUsageSource"/>); either way the
    /// routers' counts belong to the policies of <c>routerNamespace</c>. Run the returned collector beside the manager.
    /// </summary>
    public static (Controller<V1Alpha1RoutingPolicy> Controller, RoutingPolicyReconciler Reconciler, RouterUsageCollector Collector) Add(
        ControllerManager manager, IKubernetes client, string? watchNamespace, string routerNamespace, RoutingPolicyOptions options, int workers,
        CollectorRegistry registry, ILoggerFactory loggers, IRouterUsageSource? usageSource = null)
    {
        ArgumentNullException.ThrowIfNull(manager);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggers);
        var metrics = new RoutingPolicyMetrics(registry);
        var policies = manager.GetInformer<V1Alpha1RoutingPolicy>(ResourceDescriptor.For<V1Alpha1RoutingPolicy>(watchNamespace));
        var deployments = manager.GetInformer<V1Alpha1SlmDeployment>(ResourceDescriptor.For<V1Alpha1SlmDeployment>(watchNamespace));
        var secrets = manager.GetInformer<SecretKeyNames>(ResourceDescriptor.For<SecretKeyNames>(watchNamespace));
        var reader = new RoutingPolicyStateReader(policies, deployments, secrets);
        usageSource ??= options.RouterMetricsUrls.Count > 0
            ? new StaticRouterUsageSource(options.RouterMetricsUrls, routerNamespace, ScrapeClient.Value, options, metrics, loggers.CreateLogger<StaticRouterUsageSource>())
            : new PodRouterUsageSource(client, ScrapeClient.Value, routerNamespace, options, metrics, loggers.CreateLogger<PodRouterUsageSource>());
        // The statuses seed each new ledger (operator start, new leadership term), once the cache has them.
        var collector = new RouterUsageCollector(usageSource, manager.Time, options.UsageInterval, () => manager.IsLeader,
            () => reader.PoliciesSynced ? UsageSeeds.FromStatuses(reader.AllPolicies(), routerNamespace) : null,
            loggers.CreateLogger<RouterUsageCollector>());
        var reconciler = new RoutingPolicyReconciler(client, reader, collector, manager.Time, loggers.CreateLogger<RoutingPolicyReconciler>(), metrics);
        var controller = manager.AddController("routingpolicy", reconciler, new ControllerOptions<V1Alpha1RoutingPolicy> { Workers = workers }, policies.Resource);

        controller.Watches(deployments, change => DeploymentChanged(change)
            ? reader.PoliciesIn(change.Object.Metadata.NamespaceProperty).Where(p => p.Spec.Slm.DeploymentRef.Name == change.Object.Metadata.Name).Select(ObjectKey.Of)
            : []);
        controller.Watches(secrets, change => SecretChanged(change)
            ? reader.PoliciesIn(change.Object.Metadata.NamespaceProperty).Where(p => p.Spec.Llm.ApiKeySecretRef?.Name == change.Object.Metadata.Name).Select(ObjectKey.Of)
            : []);
        controller.Watches(policies, change => AliasRivals(reader, change));
        return (controller, reconciler, collector);
    }

    private static bool DeploymentChanged(InformerEvent<V1Alpha1SlmDeployment> change) =>
        change.Type switch
        {
            InformerEventType.Added or InformerEventType.Deleted => true,
            InformerEventType.Modified => ReadyStatus(change.Old) != ReadyStatus(change.Object),
            _ => false,
        };

    private static string? ReadyStatus(V1Alpha1SlmDeployment? deployment) =>
        deployment?.Status?.Conditions?.FirstOrDefault(c => c.Type == ConditionTypes.Ready)?.Status;

    private static bool SecretChanged(InformerEvent<SecretKeyNames> change) =>
        change.Type switch
        {
            InformerEventType.Added or InformerEventType.Deleted => true,
            InformerEventType.Modified => !(change.Old?.Keys ?? []).Order(StringComparer.Ordinal).SequenceEqual((change.Object.Keys ?? []).Order(StringComparer.Ordinal)),
            _ => false,
        };

    private static IEnumerable<ObjectKey> AliasRivals(RoutingPolicyStateReader reader, InformerEvent<V1Alpha1RoutingPolicy> change)
    {
        if (change.Type == InformerEventType.Resync
            || (change.Type == InformerEventType.Modified && change.Old?.Spec.ModelAlias == change.Object.Spec.ModelAlias && change.Old?.Metadata.DeletionTimestamp == change.Object.Metadata.DeletionTimestamp))
        {
            return [];
        }

        var aliases = new[] { change.Object.Spec.ModelAlias, change.Old?.Spec.ModelAlias };
        return reader.PoliciesIn(change.Object.Metadata.NamespaceProperty)
            .Where(p => p.Metadata.Name != change.Object.Metadata.Name && aliases.Contains(p.Spec.ModelAlias))
            .Select(ObjectKey.Of);
    }
}
