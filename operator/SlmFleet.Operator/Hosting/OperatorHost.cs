using k8s;
using k8s.Models;
using Prometheus;
using SlmFleet.Api.V1Alpha1;
using SlmFleet.Operator.Autoscaling;
using SlmFleet.Operator.Catalog;
using SlmFleet.Operator.RoutingPolicies;
using SlmFleet.Operator.Runtime;
using SlmFleet.Operator.SlmDeployments;

namespace SlmFleet.Operator.Hosting;

/// <summary>
/// Wires the operator process: client → manager (informers, leader election) → SlmDeployment
/// controller (owns Deployments, Services, PodDisruptionBudgets; watches HorizontalPodAutoscalers,
/// PersistentVolumeClaims and RoutingPolicies) + RoutingPolicy controller and its
/// router usage collector → health/metrics server.
/// </summary>
internal static class OperatorHost
{
    public const string LeaseName = "slm-operator";

    private const string ServiceAccountNamespaceFile = "/var/run/secrets/kubernetes.io/serviceaccount/namespace";

    /// <summary>Runs until cancelled (SIGTERM / Ctrl+C); returns the process exit code.</summary>
    public static async Task<int> RunAsync(OperatorHostOptions options, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var logger = loggers.CreateLogger(typeof(OperatorHost));
        using var client = new Kubernetes(ClientConfiguration(options.Kubeconfig));
        var registry = Metrics.NewCustomRegistry();
        var manager = new ControllerManager(client, new ManagerOptions
        {
            LeaderElection = options.LeaderElect
                ? new LeaderElectionOptions { LeaseName = LeaseName, LeaseNamespace = options.LeaderElectionNamespace ?? PodNamespace() }
                : null,
        }, TimeProvider.System, loggers, new RuntimeMetrics(registry));
        AddSlmDeploymentController(manager, client, options, registry, loggers, watchRoutingPolicies: true);
        using var grpcStats = new GrpcWorkerStatsSource(options.Autoscaler.StatsTimeout);
        using var prometheusHttp = new HttpClient { Timeout = options.Autoscaler.StatsTimeout };
        IWorkerStatsSource stats = options.Autoscaler.PrometheusUrl is { } prometheus
            ? new PrometheusWorkerStatsSource(prometheus, prometheusHttp)
            : grpcStats;
        var autoscaler = AddAutoscaler(manager, client, stats, options, registry, loggers);
        var (_, _, usage) = RoutingPolicyController.Add(
            manager, client, options.Namespace, options.RoutingPolicies.RouterNamespace ?? PodNamespace(), options.RoutingPolicies, options.Workers, registry, loggers);

        await using var health = await HealthServer.StartAsync(
            new HealthServerOptions { Address = options.HealthAddress, Port = options.HealthPort },
            () => manager.IsReady, registry, logger, cancellationToken).ConfigureAwait(false);
        using var stopUsage = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var collecting = usage.RunAsync(stopUsage.Token);
        try
        {
            await Task.WhenAll(manager.RunAsync(cancellationToken), autoscaler.RunAsync(cancellationToken)).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Graceful shutdown.
        }
        finally
        {
            await stopUsage.CancelAsync().ConfigureAwait(false);
            await collecting.ConfigureAwait(false);
        }

        return 0;
    }

    /// <summary>
    /// Registers the SlmDeployment controller and its informers on <paramref name="manager"/>. Owned
    /// kinds are watched whole, not by label (a label can be stripped, a name taken by someone else);
    /// objects no SlmDeployment controls are cached trimmed to their identity
    /// (<see cref="ForeignObjectTrim"/>), so memory grows with the operator's own objects. Owned objects
    /// are written with server-side apply unless a test passes another <paramref name="writer"/>.
    /// </summary>
    /// <remarks>
    /// HorizontalPodAutoscalers and PersistentVolumeClaims are watched too (the <c>AutoscalerActive</c> and
    /// <c>CacheVolumeReady</c> conditions). RoutingPolicies only with <paramref name="watchRoutingPolicies"/>
    /// (the <c>ScaleFromZero</c> condition of fleets with minReplicas 0): their CRD must be installed, or the
    /// controller never starts, and some API test servers serve SlmDeployments only.
    /// </remarks>
    public static (Controller<V1Alpha1SlmDeployment> Controller, SlmDeploymentReconciler Reconciler) AddSlmDeploymentController(
        ControllerManager manager, IKubernetes client, OperatorHostOptions options, CollectorRegistry registry, ILoggerFactory loggers, IOwnedObjectWriter? writer = null,
        bool watchRoutingPolicies = false)
    {
        var resources = manager.GetInformer<V1Alpha1SlmDeployment>(ResourceDescriptor.For<V1Alpha1SlmDeployment>(options.Namespace));
        var deployments = OwnedKind<V1Deployment>(manager, options);
        var services = OwnedKind<V1Service>(manager, options);
        var budgets = OwnedKind<V1PodDisruptionBudget>(manager, options);
        var autoscalers = manager.GetInformer<V2HorizontalPodAutoscaler>(ResourceDescriptor.For<V2HorizontalPodAutoscaler>(options.Namespace));
        var claims = manager.GetInformer<V1PersistentVolumeClaim>(ResourceDescriptor.For<V1PersistentVolumeClaim>(options.Namespace));
        claims.Transform = ClaimTrim.Trim;
        var policies = watchRoutingPolicies ? manager.GetInformer<V1Alpha1RoutingPolicy>(ResourceDescriptor.For<V1Alpha1RoutingPolicy>(options.Namespace)) : null;
        var reader = new CachedStateReader(resources, deployments, services, budgets, client, manager.Time)
        {
            Autoscalers = autoscalers,
            Claims = claims,
            RoutingPolicies = policies,
        };
        var reconciler = new SlmDeploymentReconciler(
            client,
            reader,
            writer ?? new ServerSideApplyWriter(client),
            new SlmDeploymentPlanner(AcceleratorCatalog.Default, options.SlmDeployments with { BuiltInAutoscaler = options.Autoscaler.Interval > TimeSpan.Zero }),
            manager.Time,
            loggers.CreateLogger<SlmDeploymentReconciler>(),
            new SlmDeploymentMetrics(registry));
        var controller = manager.AddController(
            "slmdeployment",
            reconciler,
            new ControllerOptions<V1Alpha1SlmDeployment> { Workers = options.Workers },
            resources.Resource);
        controller.Owns(deployments);
        controller.Owns(services);
        controller.Owns(budgets);
        // A foreign object under a workers' name blocks that SlmDeployment (NameConflict): when it
        // goes away or changes, reconcile the SlmDeployment the name belongs to.
        controller.Watches(deployments, NameHolder);
        controller.Watches(services, NameHolder);
        controller.Watches(budgets, NameHolder);
        controller.Watches(autoscalers, FleetInputWatches.ScaledFleets);
        controller.Watches(claims, change => FleetInputWatches.ClaimUsers(resources, change));
        if (policies is not null)
        {
            controller.Watches(policies, FleetInputWatches.RoutedFleets);
        }

        return (controller, reconciler);
    }

    private static Informer<T> OwnedKind<T>(ControllerManager manager, OperatorHostOptions options)
        where T : class, IKubernetesObject<V1ObjectMeta>, new()
    {
        var informer = manager.GetInformer<T>(ResourceDescriptor.For<T>(options.Namespace));
        informer.Transform = ForeignObjectTrim.Trim;
        return informer;
    }

    private static IEnumerable<ObjectKey> NameHolder<T>(InformerEvent<T> change)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var metadata = change.Object.Metadata;
        if (!WorkerLabels.ControlledBySlmDeployment(metadata) && WorkerLabels.OwnerName(metadata.Name) is { } owner)
        {
            yield return new ObjectKey(metadata.NamespaceProperty, owner);
        }
    }

    /// <summary>
    /// The autoscaler loop over the shared SlmDeployment informer and an informer of the worker pods
    /// (only pods labelled as this operator's workers are cached). Call before the manager runs. The
    /// loop runs next to the manager and acts only while <see cref="ControllerManager.IsLeader"/>, like
    /// the controllers; <paramref name="time"/> drives its ticks (default: the manager's clock).
    /// </summary>
    public static AutoscalerController AddAutoscaler(
        ControllerManager manager, IKubernetes client, IWorkerStatsSource stats, OperatorHostOptions options, CollectorRegistry registry, ILoggerFactory loggers,
        TimeProvider? time = null, Func<bool>? isLeader = null)
    {
        var resources = manager.GetInformer<V1Alpha1SlmDeployment>(ResourceDescriptor.For<V1Alpha1SlmDeployment>(options.Namespace));
        var pods = manager.GetInformer<V1Pod>(ResourceDescriptor.For<V1Pod>(options.Namespace, AutoscalerController.WorkerPodSelector));
        var autoscaler = new AutoscalerController(
            client, resources, pods, stats, isLeader ?? (() => manager.IsLeader), options.Autoscaler, AcceleratorCatalog.Default, time ?? manager.Time,
            loggers.CreateLogger<AutoscalerController>(), new AutoscalerMetrics(registry))
        {
            HorizontalPodAutoscalers = manager.GetInformer<V2HorizontalPodAutoscaler>(ResourceDescriptor.For<V2HorizontalPodAutoscaler>(options.Namespace)),
        };
        if (isLeader is null)
        {
            manager.StartedLeading += autoscaler.OnStartedLeading;
        }

        return autoscaler;
    }

    /// <summary>The same precedence as kubectl: an explicit kubeconfig, else in-cluster, else ~/.kube/config (or $KUBECONFIG).</summary>
    private static KubernetesClientConfiguration ClientConfiguration(string? kubeconfig) =>
        kubeconfig is not null ? KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig)
        : KubernetesClientConfiguration.IsInCluster() ? KubernetesClientConfiguration.InClusterConfig()
        : KubernetesClientConfiguration.BuildDefaultConfig();

    private static string PodNamespace() =>
        Environment.GetEnvironmentVariable("POD_NAMESPACE") is { Length: > 0 } fromEnv ? fromEnv
        : File.Exists(ServiceAccountNamespaceFile) ? File.ReadAllText(ServiceAccountNamespaceFile).Trim()
        : "default";
}
