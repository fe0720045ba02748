using System.Globalization;
using k8s.Models;
using SlmFleet.Api.V1Alpha1;

namespace SlmFleet.Operator.SlmDeployments;

/// <summary>Renders the worker <c>apps/v1 Deployment</c> from resolved settings. Pure.</summary>
internal static class WorkerDeploymentBuilder
{
    public const string WorkerContainer = "worker";
    public const string FetchContainer = "fetch-model";
    // The variable slm-worker fetch-model reads its token from (the Hugging Face convention).
    public const string TokenEnvVar = "HF_TOKEN";
    public const string GpuResource = "nvidia.com/gpu";
    public const string InstanceTypeLabel = "node.kubernetes.io/instance-type";
    private const string ModelCacheVolume = "model-cache";
    private const string ModelSourceVolume = "model-source";
    private const string ModelSourceMountPath = "/model-source";
    private const string TmpVolume = "tmp";
    private const int StartupProbePeriodSeconds = 10;
    private const long NonRootUser = 65532;

    public static V1Deployment Build(WorkerSettings settings, V1Alpha1SlmDeployment owner)
    {
        var labels = WorkerLabels.All(settings.Name);
        return new V1Deployment
        {
            ApiVersion = "apps/v1",
            Kind = "Deployment",
            Metadata = WorkerLabels.Metadata(settings, owner),
            Spec = new V1DeploymentSpec
            {
                Replicas = settings.Replicas,
                Selector = new V1LabelSelector { MatchLabels = WorkerLabels.Selector(settings.Name) },
                // maxUnavailable 0: a rollout adds a new pod and waits for it to warm up before an old
                // one goes, so the fleet never drops below its warm replicas during an update.
                Strategy = new V1DeploymentStrategy
                {
                    Type = "RollingUpdate",
                    RollingUpdate = new V1RollingUpdateDeployment { MaxUnavailable = 0, MaxSurge = 1 },
                },
                RevisionHistoryLimit = 3,
                // The default 600 s would mark a slow GPU warm-up as a failed rollout.
                ProgressDeadlineSeconds = settings.WarmupTimeoutSeconds + 600,
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta
                    {
                        Labels = labels,
                        Annotations = new Dictionary<string, string>(StringComparer.Ordinal)
                        {
                            ["prometheus.io/scrape"] = "true",
                            ["prometheus.io/port"] = WorkerPorts.Metrics.ToString(CultureInfo.InvariantCulture),
                            ["prometheus.io/path"] = "/metrics",
                        },
                    },
                    Spec = PodSpec(settings, owner),
                },
            },
        };
    }

    /// <summary>
    /// Before SIGTERM, the pod waits this long so that EndpointSlices (and so the routers) drop it first;
    /// a request routed in that moment still finds the worker serving.
    /// </summary>
    internal const int PreStopSeconds = 5;

    /// <summary>After SIGTERM, running requests may finish for this long while new ones are refused (the worker's --drain-seconds).</summary>
    internal const int DrainSeconds = 20;

    private static V1PodSpec PodSpec(WorkerSettings settings, V1Alpha1SlmDeployment owner) => new()
    {
        // The worker never talks to the Kubernetes API.
        AutomountServiceAccountToken = false,
        EnableServiceLinks = false,
        // preStop pause + the worker's drain + a margin: running streams finish before the kill.
        TerminationGracePeriodSeconds = PreStopSeconds + DrainSeconds + 5,
        SecurityContext = new V1PodSecurityContext
        {
            RunAsNonRoot = true,
            RunAsUser = NonRootUser,
            RunAsGroup = NonRootUser,
            FsGroup = NonRootUser,
            SeccompProfile = new V1SeccompProfile { Type = "RuntimeDefault" },
        },
        InitContainers = [FetchModelContainer(settings, owner)],
        Containers = [ServeContainer(settings)],
        Volumes = Volumes(settings, owner),
        Affinity = Affinity(settings),
        Tolerations = settings.Accelerator.IsGpu
            ? [new V1Toleration { Key = GpuResource, OperatorProperty = "Exists", Effect = "NoSchedule" }]
            : null,
        TopologySpreadConstraints = SpreadConstraints(settings.Name),
    };

    private static V1Container ServeContainer(WorkerSettings settings)
    {
        var args = new List<string>
        {
            "serve",
            "--model", settings.ModelPath,
            "--port", Invariant(WorkerPorts.Grpc),
            "--metrics-port", Invariant(WorkerPorts.Metrics),
            "--served-name", settings.ServedName,
        };
        // Without the flag the worker renders the model's own template, which only the model folder knows.
        if (settings.ChatTemplate is { } template)
        {
            args.Add("--chat-template");
            args.Add(template);
        }

        args.AddRange(
        [
            "--execution-provider", settings.ExecutionProvider,
            "--max-batch", Invariant(settings.MaxBatchSize),
            "--max-queue", Invariant(settings.MaxConcurrentRequests),
            "--max-new-tokens", Invariant(settings.MaxNewTokens),
            "--drain-seconds", Invariant(DrainSeconds),
        ]);
        foreach (var prompt in settings.WarmupPrompts)
        {
            args.Add("--warmup-prompt");
            args.Add(prompt);
        }

        return new V1Container
        {
            Name = WorkerContainer,
            Image = settings.Image,
            ImagePullPolicy = "IfNotPresent",
            Command = ["slm-worker"],
            Args = args,
            Ports =
            [
                new V1ContainerPort { Name = WorkerPorts.GrpcName, ContainerPort = WorkerPorts.Grpc, Protocol = "TCP" },
                new V1ContainerPort { Name = WorkerPorts.MetricsName, ContainerPort = WorkerPorts.Metrics, Protocol = "TCP" },
            ],
            Resources = WorkerResources(settings),
            // Startup budget = failureThreshold × period ≥ warmup.timeoutSeconds: model load and warm-up
            // prompts finish before liveness starts counting.
            StartupProbe = GrpcProbe(StartupProbePeriodSeconds, (int)Math.Ceiling(settings.WarmupTimeoutSeconds / (double)StartupProbePeriodSeconds)),
            ReadinessProbe = GrpcProbe(periodSeconds: 5, failureThreshold: 3),
            LivenessProbe = GrpcProbe(periodSeconds: 10, failureThreshold: 3),
            Lifecycle = new V1Lifecycle { PreStop = new V1LifecycleHandler { Sleep = new V1SleepAction { Seconds = PreStopSeconds } } },
            VolumeMounts =
            [
                new V1VolumeMount { Name = ModelCacheVolume, MountPath = WorkerPorts.ModelsMountPath, ReadOnlyProperty = true },
                new V1VolumeMount { Name = TmpVolume, MountPath = "/tmp" },
            ],
            SecurityContext = ContainerSecurity(),
        };
    }

    private static V1Container FetchModelContainer(WorkerSettings settings, V1Alpha1SlmDeployment owner)
    {
        var source = owner.Spec.Model.Source;
        var (sourceUri, claim) = ResolveSource(source.Uri);
        var args = new List<string> { "fetch-model", "--source", sourceUri, "--dest", settings.ModelPath };
        if (!string.IsNullOrEmpty(source.Revision))
        {
            args.Add("--revision");
            args.Add(source.Revision);
        }

        var mounts = new List<V1VolumeMount>
        {
            new() { Name = ModelCacheVolume, MountPath = WorkerPorts.ModelsMountPath },
            new() { Name = TmpVolume, MountPath = "/tmp" },
        };
        if (claim is not null)
        {
            mounts.Add(new V1VolumeMount { Name = ModelSourceVolume, MountPath = ModelSourceMountPath, ReadOnlyProperty = true });
        }

        // The token reaches the container only through a secretKeyRef: it is never in the pod spec.
        var env = source.SecretRef is { } secretRef
            ? new List<V1EnvVar>
            {
                new()
                {
                    Name = TokenEnvVar,
                    ValueFrom = new V1EnvVarSource
                    {
                        SecretKeyRef = new V1SecretKeySelector { Name = secretRef.Name, Key = secretRef.Key ?? SpecValidation.DefaultSecretKey },
                    },
                },
            }
            : null;

        return new V1Container
        {
            Name = FetchContainer,
            Image = settings.Image,
            ImagePullPolicy = "IfNotPresent",
            Command = ["slm-worker"],
            Args = args,
            Env = env,
            Resources = new V1ResourceRequirements
            {
                Requests = new Dictionary<string, ResourceQuantity>(StringComparer.Ordinal)
                {
                    ["cpu"] = new("250m"),
                    ["memory"] = new("256Mi"),
                },
                Limits = new Dictionary<string, ResourceQuantity>(StringComparer.Ordinal) { ["memory"] = new("1Gi") },
            },
            VolumeMounts = mounts,
            SecurityContext = ContainerSecurity(),
        };
    }

    /// <summary><c>pvc://claim/path</c> is mounted read-only and handed to the fetcher as a local path.</summary>
    internal static (string Uri, string? Claim) ResolveSource(string uri)
    {
        const string PvcScheme = "pvc://";
        if (!uri.StartsWith(PvcScheme, StringComparison.Ordinal))
        {
            return (uri, null);
        }

        var rest = uri[PvcScheme.Length..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var claim = slash < 0 ? rest : rest[..slash];
        var path = slash < 0 ? string.Empty : rest[slash..];
        return ("file://" + ModelSourceMountPath + path, claim);
    }

    private static List<V1Volume> Volumes(WorkerSettings settings, V1Alpha1SlmDeployment owner)
    {
        var cache = settings.CacheClaim is not null
            ? new V1Volume { Name = ModelCacheVolume, PersistentVolumeClaim = new V1PersistentVolumeClaimVolumeSource { ClaimName = settings.CacheClaim } }
            : settings.CachePerReplica is { } perReplica ? PerReplicaCache(perReplica, owner)
            : new V1Volume { Name = ModelCacheVolume, EmptyDir = new V1EmptyDirVolumeSource { SizeLimit = settings.CacheSizeLimit is null ? null : new ResourceQuantity(settings.CacheSizeLimit) } };
        var volumes = new List<V1Volume>
        {
            cache,
            new() { Name = TmpVolume, EmptyDir = new V1EmptyDirVolumeSource { SizeLimit = new ResourceQuantity("1Gi") } },
        };
        var (_, claim) = ResolveSource(owner.Spec.Model.Source.Uri);
        if (claim is not null)
        {
            volumes.Add(new V1Volume { Name = ModelSourceVolume, PersistentVolumeClaim = new V1PersistentVolumeClaimVolumeSource { ClaimName = claim, ReadOnlyProperty = true } });
        }

        return volumes;
    }

    /// <summary>
    /// A generic ephemeral volume: the ephemeral-volume controller creates claim <c>&lt;pod&gt;-model-cache</c>
    /// with the pod (owned by it, so deleted with it). ReadWriteOnce is enough: only that pod mounts it.
    /// </summary>
    private static V1Volume PerReplicaCache(PerReplicaClaimSpec claim, V1Alpha1SlmDeployment owner) => new()
    {
        Name = ModelCacheVolume,
        Ephemeral = new V1EphemeralVolumeSource
        {
            VolumeClaimTemplate = new V1PersistentVolumeClaimTemplate
            {
                // Labelled like the workers, so `kubectl get pvc -l slmfleet.io/deployment=<name>` finds them.
                Metadata = new V1ObjectMeta { Labels = WorkerLabels.All(owner.Metadata.Name) },
                Spec = new V1PersistentVolumeClaimSpec
                {
                    AccessModes = ["ReadWriteOnce"],
                    StorageClassName = claim.StorageClassName,
                    Resources = new V1VolumeResourceRequirements
                    {
                        Requests = new Dictionary<string, ResourceQuantity>(StringComparer.Ordinal) { ["storage"] = new(claim.Size) },
                    },
                },
            },
        },
    };

    private static V1ResourceRequirements WorkerResources(WorkerSettings settings)
    {
        // Host memory: a GPU worker stages the weights in RAM while loading; a CPU worker holds everything.
        var hostGiB = settings.Accelerator.IsGpu ? settings.Memory.WeightsGiB + 1 : settings.Memory.TotalGiB;
        var memory = new ResourceQuantity(Invariant((int)Math.Ceiling(hostGiB)) + "Gi");
        var requests = new Dictionary<string, ResourceQuantity>(StringComparer.Ordinal)
        {
            ["cpu"] = new(settings.Accelerator.IsGpu ? "1" : "2"),
            ["memory"] = memory,
        };
        var limits = new Dictionary<string, ResourceQuantity>(StringComparer.Ordinal) { ["memory"] = memory };
        if (settings.Accelerator.IsGpu)
        {
            // Extended resources: the request defaults to the limit, and they must be equal.
            limits[GpuResource] = new ResourceQuantity(Invariant(settings.Devices));
        }

        return new V1ResourceRequirements { Requests = requests, Limits = limits };
    }

    private static V1Affinity? Affinity(WorkerSettings settings) => settings.InstanceTypes.Count == 0
        ? null
        : new V1Affinity
        {
            NodeAffinity = new V1NodeAffinity
            {
                RequiredDuringSchedulingIgnoredDuringExecution = new V1NodeSelector
                {
                    NodeSelectorTerms =
                    [
                        new V1NodeSelectorTerm
                        {
                            MatchExpressions =
                            [
                                new V1NodeSelectorRequirement { Key = InstanceTypeLabel, OperatorProperty = "In", Values = [.. settings.InstanceTypes] },
                            ],
                        },
                    ],
                },
            },
        };

    // ScheduleAnyway on both keys: GPU capacity is scarce and often sits in one zone; a hard zone
    // rule would leave replicas Pending instead of running them less spread. The scheduler still
    // prefers one replica per zone, then per node, so warm replicas survive a zone loss when the
    // cluster has the capacity.
    private static List<V1TopologySpreadConstraint> SpreadConstraints(string name) =>
    [
        new V1TopologySpreadConstraint
        {
            TopologyKey = "topology.kubernetes.io/zone",
            MaxSkew = 1,
            WhenUnsatisfiable = "ScheduleAnyway",
            LabelSelector = new V1LabelSelector { MatchLabels = WorkerLabels.Selector(name) },
        },
        new V1TopologySpreadConstraint
        {
            TopologyKey = "kubernetes.io/hostname",
            MaxSkew = 1,
            WhenUnsatisfiable = "ScheduleAnyway",
            LabelSelector = new V1LabelSelector { MatchLabels = WorkerLabels.Selector(name) },
        },
    ];

    private static V1Probe GrpcProbe(int periodSeconds, int failureThreshold) => new()
    {
        Grpc = new V1GRPCAction { Port = WorkerPorts.Grpc, Service = string.Empty },
        PeriodSeconds = periodSeconds,
        FailureThreshold = failureThreshold,
        TimeoutSeconds = 5,
        SuccessThreshold = 1,
    };

    private static V1SecurityContext ContainerSecurity() => new()
    {
        AllowPrivilegeEscalation = false,
        ReadOnlyRootFilesystem = true,
        RunAsNonRoot = true,
        Capabilities = new V1Capabilities { Drop = ["ALL"] },
        SeccompProfile = new V1SeccompProfile { Type = "RuntimeDefault" },
    };

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);
}
