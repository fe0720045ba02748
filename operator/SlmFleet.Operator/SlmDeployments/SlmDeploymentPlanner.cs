using k8s;
using k8s.Models;
using SlmFleet.Api.V1Alpha1;
using SlmFleet.Operator.Catalog;
using SlmFleet.Operator.Events;

namespace SlmFleet.Operator.SlmDeployments;

/// <summary>
/// The SlmDeployment reconcile decision as a pure function: observed state in, desired objects,
/// status and Events out. No client, no clock, no randomness — the executor supplies all three.
/// <code>
///  observed ──► validate ──► fit check ──► (blocked?) ──yes──► status + Warning events only
///                                              │no
///                                              ▼
///                     render Deployment / Service / PDB ──► NeedsUpdate vs live ──► status + events
/// </code>
/// </summary>
internal sealed class SlmDeploymentPlanner
{
    private readonly AcceleratorCatalog _catalog;
    private readonly SlmDeploymentOptions _options;

    public SlmDeploymentPlanner(AcceleratorCatalog catalog, SlmDeploymentOptions options)
    {
        _catalog = catalog;
        _options = options;
    }

    public SlmDeploymentPlan Compute(SlmDeploymentObserved observed)
    {
        var resource = observed.Resource;
        var spec = resource.Spec;
        var problems = SpecValidation.Validate(resource, _catalog, observed.SourceSecretKeys);
        _catalog.TryGet(spec.Accelerator.Type, out var profile);
        var fit = profile is not null && IsKnownQuantization(spec.Model.Quantization)
            ? ModelFitCheck.Check(spec.Model, spec.Runtime?.MaxBatchSize ?? new RuntimeSpec().MaxBatchSize, profile, spec.Accelerator.Count, _options.CpuMemoryGiB)
            : null;

        var events = new List<PlannedEvent>();
        ObjectWrite<V1Deployment>? deployment = null;
        ObjectWrite<V1Service>? service = null;
        ObjectWrite<V1PodDisruptionBudget>? budget = null;
        WorkerSettings? settings = null;
        var blocked = problems.Count > 0 || fit is not { Fits: true };
        if (!blocked)
        {
            settings = WorkerSettingsResolver.Resolve(resource, profile!, fit!.Estimate, _options);
            var created = new List<string>();
            deployment = PlanDeployment(settings, observed, events, created);
            service = PlanService(settings, observed, created);
            budget = PlanBudget(settings, observed, created);
            if (created.Count > 0)
            {
                // One Event for everything created in this reconcile: readable, and one request instead of three.
                events.Insert(0, new PlannedEvent(PlannedEvent.Normal, ConditionReasons.Created, "Created " + JoinAnd(created) + "."));
            }
        }

        var status = SlmDeploymentStatusPlanner.Compute(new SlmDeploymentStatusInput(observed, problems, fit, profile, settings, deployment), events);
        var statusChanged = KubernetesJson.Serialize(status) != KubernetesJson.Serialize(resource.Status ?? new SlmDeploymentStatus());
        return new SlmDeploymentPlan
        {
            Deployment = deployment,
            Service = service,
            DisruptionBudget = budget,
            Status = status,
            StatusChanged = statusChanged,
            Events = events,
            Problems = fit is { Fits: false }
                ? [.. problems, new SpecProblem("spec.model", ConditionReasons.ModelDoesNotFit, fit.Message)]
                : problems,
        };
    }

    private static bool IsKnownQuantization(string quantization) => quantization is "fp16" or "int8" or "int4";

    private static string JoinAnd(List<string> parts) =>
        parts.Count == 1 ? parts[0] : string.Join(", ", parts.Take(parts.Count - 1)) + " and " + parts[^1];

    private static ObjectWrite<V1Deployment> PlanDeployment(WorkerSettings settings, SlmDeploymentObserved observed, List<PlannedEvent> events, List<string> created)
    {
        var desired = WorkerDeploymentBuilder.Build(settings, observed.Resource);
        // Replicas are left out of the digest: scaling is not a template change and must not look like one.
        desired.Spec.Replicas = null;
        Stamp(desired.Metadata, DesiredHash.Of(desired));
        desired.Spec.Replicas = settings.Replicas;

        var live = observed.Deployment;
        var kind = DesiredStateComparer.NeedsUpdate(desired, live);
        var where = settings.InstanceTypes.Count > 0 ? $" ({string.Join(", ", settings.InstanceTypes.Take(3))}{(settings.InstanceTypes.Count > 3 ? ", …" : string.Empty)})" : string.Empty;
        if (kind == WriteKind.Create)
        {
            created.Add($"worker Deployment {settings.WorkloadName} ({settings.Replicas} replica(s) of {settings.ServedName} on {settings.Accelerator.Type}{where})");
        }
        else if (kind == WriteKind.Update)
        {
            var templateChanged = WorkerLabels.DesiredHash(live!.Metadata) != WorkerLabels.DesiredHash(desired.Metadata);
            var liveReplicas = live.Spec?.Replicas;
            if (liveReplicas != settings.Replicas)
            {
                events.Add(new(PlannedEvent.Normal, ConditionReasons.Scaled,
                    $"Scaling worker Deployment {settings.WorkloadName} from {liveReplicas?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "unset"} to {settings.Replicas} replica(s)."));
            }

            if (templateChanged || liveReplicas == settings.Replicas)
            {
                events.Add(new(PlannedEvent.Normal, ConditionReasons.RollingOut,
                    $"Rolling out worker Deployment {settings.WorkloadName} for generation {observed.Resource.Metadata.Generation ?? 0} (maxUnavailable 0, maxSurge 1)."));
            }
        }

        return new ObjectWrite<V1Deployment>(desired, kind);
    }

    private static ObjectWrite<V1Service> PlanService(WorkerSettings settings, SlmDeploymentObserved observed, List<string> created)
    {
        var desired = WorkerServiceBuilder.Build(settings, observed.Resource);
        Stamp(desired.Metadata, DesiredHash.Of(desired));
        var kind = DesiredStateComparer.NeedsUpdate(desired, observed.Service);
        if (kind == WriteKind.Create)
        {
            created.Add($"Service {settings.WorkloadName} (gRPC {WorkerPorts.Grpc}, metrics {WorkerPorts.Metrics})");
        }

        return new ObjectWrite<V1Service>(desired, kind);
    }

    private static ObjectWrite<V1PodDisruptionBudget> PlanBudget(WorkerSettings settings, SlmDeploymentObserved observed, List<string> created)
    {
        var desired = WorkerDisruptionBudgetBuilder.Build(settings, observed.Resource);
        Stamp(desired.Metadata, DesiredHash.Of(desired));
        var kind = DesiredStateComparer.NeedsUpdate(desired, observed.DisruptionBudget);
        if (kind == WriteKind.Create)
        {
            created.Add($"PodDisruptionBudget {settings.WorkloadName} (minAvailable {settings.MinReplicas})");
        }

        return new ObjectWrite<V1PodDisruptionBudget>(desired, kind);
    }

    private static void Stamp(V1ObjectMeta metadata, string hash) =>
        metadata.Annotations = new Dictionary<string, string>(StringComparer.Ordinal) { [WorkerLabels.DesiredHashAnnotation] = hash };
}
