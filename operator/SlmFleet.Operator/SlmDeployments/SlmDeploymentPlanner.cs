using System.Globalization;
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
        IReadOnlyList<SpecProblem> problems = [.. SpecValidation.Validate(resource, _catalog, observed.SourceSecretKeys), .. CacheClaimCheck.Missing(resource, observed.Claims)];
        _catalog.TryGet(spec.Accelerator.Type, out var profile);
        var fit = profile is not null && IsKnownQuantization(spec.Model.Quantization)
            ? ModelFitCheck.Check(spec.Model, spec.Runtime?.MaxBatchSize ?? new RuntimeSpec().MaxBatchSize, profile, spec.Accelerator.Count, _options.CpuMemoryGiB)
            : null;

        var events = new List<PlannedEvent>();
        ObjectWrite<V1Deployment>? deployment = null;
        ObjectWrite<V1Service>? service = null;
        ObjectWrite<V1PodDisruptionBudget>? budget = null;
        WorkerSettings? settings = null;
        SpecProblem? objectProblem = null;
        int? effectiveReplicas = null;
        var retryLater = false;
        var blocked = problems.Count > 0 || fit is not { Fits: true };
        if (!blocked)
        {
            settings = WorkerSettingsResolver.Resolve(resource, profile!, fit!.Estimate, _options);
            var owners = OwnerStates(observed);
            if (owners.FirstOrDefault(o => o.State == OwnerState.Foreign) is { Kind: not null } foreign)
            {
                // Never write beside (or over) an object this SlmDeployment does not control.
                objectProblem = new SpecProblem("metadata.name", ConditionReasons.NameConflict, NameConflictMessage(observed.Resource, foreign.Kind, foreign.Live!));
                retryLater = true;
            }
            else if (owners.Any(o => o.State == OwnerState.PreviousIncarnation))
            {
                // An earlier SlmDeployment of this name still owns workers the garbage collector is
                // about to delete: wait for it rather than fight over them.
                retryLater = true;
            }
            else
            {
                var created = new List<string>();
                (deployment, effectiveReplicas) = PlanDeployment(settings, observed, events, created);
                service = PlanService(settings, observed, events, created);
                budget = PlanBudget(settings, observed, events, created);
                if (created.Count > 0)
                {
                    // One Event for everything created in this reconcile: readable, and one request instead of three.
                    events.Insert(0, new PlannedEvent(PlannedEvent.Normal, ConditionReasons.Created, "Created " + JoinAnd(created) + "."));
                }

                if (observed.WriteFailures.Count > 0)
                {
                    var failure = observed.WriteFailures[0];
                    objectProblem = new SpecProblem(failure.Kind, failure.Reason, string.Join(" ", observed.WriteFailures.Select(f => f.Describe())));
                }
            }
        }

        var statusInput = new SlmDeploymentStatusInput(observed, problems, fit, profile, settings, deployment)
        {
            ObjectProblem = objectProblem,
            EffectiveReplicas = effectiveReplicas,
            BuiltInAutoscaler = _options.BuiltInAutoscaler,
        };
        var status = SlmDeploymentStatusPlanner.Compute(statusInput, events);
        var statusChanged = KubernetesJson.Serialize(status) != KubernetesJson.Serialize(resource.Status ?? new SlmDeploymentStatus());
        return new SlmDeploymentPlan
        {
            Deployment = deployment,
            Service = service,
            DisruptionBudget = budget,
            Status = status,
            StatusChanged = statusChanged,
            Events = events,
            RetryLater = retryLater,
            Problems = fit is { Fits: false }
                ? [.. problems, new SpecProblem("spec.model", ConditionReasons.ModelDoesNotFit, fit.Message)]
                : objectProblem is null ? problems : [.. problems, objectProblem],
        };
    }

    private static bool IsKnownQuantization(string quantization) => quantization is "fp16" or "int8" or "int4";

    private static string JoinAnd(List<string> parts) =>
        parts.Count == 1 ? parts[0] : string.Join(", ", parts.Take(parts.Count - 1)) + " and " + parts[^1];

    private static (string Kind, OwnerState State, V1ObjectMeta? Live)[] OwnerStates(SlmDeploymentObserved observed) =>
    [
        ("Deployment", WorkerLabels.Owner(observed.Deployment?.Metadata, observed.Resource), observed.Deployment?.Metadata),
        ("Service", WorkerLabels.Owner(observed.Service?.Metadata, observed.Resource), observed.Service?.Metadata),
        ("PodDisruptionBudget", WorkerLabels.Owner(observed.DisruptionBudget?.Metadata, observed.Resource), observed.DisruptionBudget?.Metadata),
    ];

    private static string NameConflictMessage(V1Alpha1SlmDeployment resource, string kind, V1ObjectMeta live)
    {
        var controller = live.OwnerReferences?.FirstOrDefault(r => r.Controller == true);
        var held = controller is null ? "no controller" : $"controlled by {controller.Kind} {controller.Name}";
        return $"{kind} {live.NamespaceProperty}/{live.Name} already exists and is not controlled by SlmDeployment {resource.Metadata.Name} ({held}). "
            + "The operator leaves it alone and creates no worker Deployment, Service or PodDisruptionBudget beside it; "
            + "delete or rename that object, or give the SlmDeployment another name.";
    }

    private static (ObjectWrite<V1Deployment> Write, int? EffectiveReplicas) PlanDeployment(WorkerSettings settings, SlmDeploymentObserved observed, List<PlannedEvent> events, List<string> created)
    {
        var desired = WorkerDeploymentBuilder.Build(settings, observed.Resource);
        // Replicas are left out of the digest: scaling is not a template change and must not look like one.
        desired.Spec.Replicas = null;
        Stamp(desired.Metadata, DesiredHash.Of(desired));
        desired.Metadata.Annotations[WorkerLabels.ReplicasAnnotation] = settings.Replicas.ToString(CultureInfo.InvariantCulture);

        var live = observed.Deployment;
        var yielded = YieldsReplicas(live, settings.Replicas);
        desired.Spec.Replicas = yielded ? null : settings.Replicas;
        var kind = DesiredStateComparer.NeedsApply(desired, live);
        var where = settings.InstanceTypes.Count > 0 ? $" ({string.Join(", ", settings.InstanceTypes.Take(3))}{(settings.InstanceTypes.Count > 3 ? ", …" : string.Empty)})" : string.Empty;
        var liveReplicas = live?.Spec?.Replicas;
        if (kind == WriteKind.Create)
        {
            if (!Failed(observed, "Deployment"))
            {
                created.Add($"worker Deployment {settings.WorkloadName} ({settings.Replicas} replica(s) of {settings.ServedName} on {settings.Accelerator.Type}{where})");
            }
        }
        else if (kind == WriteKind.Update)
        {
            var templateChanged = WorkerLabels.DesiredHash(live!.Metadata) != WorkerLabels.DesiredHash(desired.Metadata);
            var scaled = !yielded && liveReplicas != settings.Replicas;
            if (scaled)
            {
                events.Add(new(PlannedEvent.Normal, ConditionReasons.Scaled,
                    $"Scaling worker Deployment {settings.WorkloadName} from {liveReplicas?.ToString(CultureInfo.InvariantCulture) ?? "unset"} to {settings.Replicas} replica(s)."));
            }

            if (templateChanged)
            {
                events.Add(new(PlannedEvent.Normal, ConditionReasons.RollingOut,
                    $"Rolling out worker Deployment {settings.WorkloadName} for generation {observed.Resource.Metadata.Generation ?? 0} (maxUnavailable 0, maxSurge 1)."));
            }
            else if (!scaled)
            {
                events.Add(Reverted("worker Deployment", settings.WorkloadName));
            }
        }

        int? effective = null;
        if (yielded && liveReplicas is { } honoured && honoured != settings.Replicas)
        {
            effective = honoured;
            if (observed.Resource.Status?.DesiredReplicas != honoured)
            {
                var by = FieldOwnership.Owners(live!.Metadata, ServerSideApplyWriter.FieldManager, "spec", "replicas");
                events.Add(new(PlannedEvent.Normal, ConditionReasons.ReplicasOverridden,
                    $"Worker Deployment {settings.WorkloadName} was scaled to {honoured} replica(s) outside the operator"
                    + (by.Count > 0 ? $" (by {string.Join(", ", by)})" : string.Empty)
                    + $"; kept until the SlmDeployment asks for another count (now {settings.Replicas})."));
            }
        }

        return (new ObjectWrite<V1Deployment>(desired, kind), effective);
    }

    /// <summary>
    /// A hand <c>kubectl scale</c> (or any other writer) took the worker Deployment's replicas while
    /// the operator's own request is unchanged: honour it, leaving replicas out of the applied
    /// configuration, until the SlmDeployment asks for another count (a spec edit, <c>kubectl scale
    /// slmd</c>, an autoscaler decision), which is applied with force. Only on a server that records
    /// field ownership: there, losing ownership of the field is how a change by someone else shows.
    /// </summary>
    private static bool YieldsReplicas(V1Deployment? live, int desired) =>
        live is not null
        && FieldOwnership.Tracked(live.Metadata)
        && live.Metadata.Annotations?.TryGetValue(WorkerLabels.ReplicasAnnotation, out var asked) == true
        && asked == desired.ToString(CultureInfo.InvariantCulture)
        && !FieldOwnership.Owns(FieldOwnership.AppliedFields(live.Metadata, ServerSideApplyWriter.FieldManager), "spec", "replicas");

    private static PlannedEvent Reverted(string what, string name) =>
        new(PlannedEvent.Normal, ConditionReasons.DriftReverted, $"Put back the fields of {what} {name} that were changed outside the operator.");

    private static ObjectWrite<V1Service> PlanService(WorkerSettings settings, SlmDeploymentObserved observed, List<PlannedEvent> events, List<string> created)
    {
        var desired = WorkerServiceBuilder.Build(settings, observed.Resource);
        Stamp(desired.Metadata, DesiredHash.Of(desired));
        var kind = DesiredStateComparer.NeedsApply(desired, observed.Service);
        if (kind == WriteKind.Create && !Failed(observed, "Service"))
        {
            created.Add($"Service {settings.WorkloadName} (gRPC {WorkerPorts.Grpc}, metrics {WorkerPorts.Metrics})");
        }
        else if (kind == WriteKind.Update && WorkerLabels.DesiredHash(observed.Service!.Metadata) == WorkerLabels.DesiredHash(desired.Metadata))
        {
            events.Add(Reverted("Service", settings.WorkloadName));
        }

        return new ObjectWrite<V1Service>(desired, kind);
    }

    private static ObjectWrite<V1PodDisruptionBudget> PlanBudget(WorkerSettings settings, SlmDeploymentObserved observed, List<PlannedEvent> events, List<string> created)
    {
        var desired = WorkerDisruptionBudgetBuilder.Build(settings, observed.Resource);
        Stamp(desired.Metadata, DesiredHash.Of(desired));
        var kind = DesiredStateComparer.NeedsApply(desired, observed.DisruptionBudget);
        if (kind == WriteKind.Create && !Failed(observed, "PodDisruptionBudget"))
        {
            created.Add($"PodDisruptionBudget {settings.WorkloadName} (minAvailable {settings.MinReplicas})");
        }
        else if (kind == WriteKind.Update && WorkerLabels.DesiredHash(observed.DisruptionBudget!.Metadata) == WorkerLabels.DesiredHash(desired.Metadata))
        {
            events.Add(Reverted("PodDisruptionBudget", settings.WorkloadName));
        }

        return new ObjectWrite<V1PodDisruptionBudget>(desired, kind);
    }

    private static bool Failed(SlmDeploymentObserved observed, string kind) => observed.WriteFailures.Any(f => f.Kind == kind);

    private static void Stamp(V1ObjectMeta metadata, string hash) =>
        metadata.Annotations = new Dictionary<string, string>(StringComparer.Ordinal) { [WorkerLabels.DesiredHashAnnotation] = hash };
}
