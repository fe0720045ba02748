using System.Net;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;
using SlmFleet.Api.V1Alpha1;
using SlmFleet.Operator.Events;
using SlmFleet.Operator.Runtime;

namespace SlmFleet.Operator.SlmDeployments;

/// <summary>
/// The thin executor: reads the observed state, asks <see cref="SlmDeploymentPlanner"/> what to do,
/// and applies exactly that: the owned objects (create, or replace carrying the live resourceVersion),
/// then status through the status subresource only when it changed, then Events. A 409 or 404 anywhere
/// means the state moved: the key is requeued and planned again from scratch.
/// No finalizer: the owned objects carry owner references, so deleting an SlmDeployment (or its
/// namespace) completes at once, with or without the operator, and the garbage collector deletes the
/// workers. The finalizer older versions set (<see cref="SlmDeploymentResource.LegacyFinalizer"/>) is
/// removed wherever it is found, and nothing else is done for a deletion.
/// </summary>
internal sealed class SlmDeploymentReconciler : IReconciler<V1Alpha1SlmDeployment>
{
    private readonly IKubernetes _client;
    private readonly IOwnedStateReader _reader;
    private readonly SlmDeploymentPlanner _planner;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SlmDeploymentMetrics _metrics;
    private readonly EventRecorder _events;

    /// <summary>A missing Secret is not watched (the operator does not cache Secrets): look again after this long.</summary>
    public static readonly TimeSpan SecretRecheckInterval = TimeSpan.FromSeconds(30);

    public SlmDeploymentReconciler(IKubernetes client, IOwnedStateReader reader, SlmDeploymentPlanner planner, TimeProvider time, ILogger<SlmDeploymentReconciler> logger, SlmDeploymentMetrics metrics)
    {
        _metrics = metrics;
        _client = client;
        _reader = reader;
        _planner = planner;
        _time = time;
        _logger = logger;
        _events = new EventRecorder(client, time, logger, SlmDeploymentResource.FieldManager);
    }

    /// <summary>Optional observer of every plan applied (benchmarks and tests count writes with it).</summary>
    public Action<SlmDeploymentPlan>? PlanApplied { get; set; }

    public Task<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken cancellationToken) =>
        ReconcileAsync(key.Namespace ?? "default", key.Name, cancellationToken);

    public async Task<ReconcileResult> ReconcileAsync(string ns, string name, CancellationToken cancellationToken)
    {
        var resource = await _reader.GetResourceAsync(ns, name, cancellationToken).ConfigureAwait(false);
        if (resource is null)
        {
            ForgetOwned(ns, name);
            SlmDeploymentLog.Gone(_logger, ns, name);
            return ReconcileResult.Done;
        }

        try
        {
            if (SlmDeploymentResource.WithoutLegacyFinalizer(resource.Metadata) is { } remaining)
            {
                resource = await RemoveLegacyFinalizerAsync(resource, remaining, cancellationToken).ConfigureAwait(false);
            }

            if (resource.Metadata.DeletionTimestamp is not null)
            {
                // Another controller's finalizer holds it: nothing to roll out any more, and the garbage
                // collector deletes the owned objects once it is gone.
                return ReconcileResult.Done;
            }

            var observed = await ObserveAsync(resource, cancellationToken).ConfigureAwait(false);
            var plan = _planner.Compute(observed);
            SlmDeploymentLog.Planned(_logger, ns, name, plan.Writes);
            await ApplyAsync(resource, observed, plan, cancellationToken).ConfigureAwait(false);
            PlanApplied?.Invoke(plan);
            return plan.Problems.Any(p => p.Reason == ConditionReasons.SecretNotFound)
                ? ReconcileResult.After(SecretRecheckInterval)
                : ReconcileResult.Done;
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
        {
            SlmDeploymentLog.Conflict(_logger, V1Alpha1SlmDeployment.KindName, ns, name);
            _metrics.Conflicts.WithLabels(V1Alpha1SlmDeployment.KindName).Inc();
            return ReconcileResult.RequeueWithBackoff();
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            // Deleted while this reconcile ran (the SlmDeployment, or an owned object the plan replaced,
            // e.g. the garbage collector took the workers of a deleted SlmDeployment that was created
            // again under the same name): forget our record of the owned objects, so the next reconcile
            // plans from the caches and either creates them again or finds the SlmDeployment gone.
            ForgetOwned(ns, name);
            SlmDeploymentLog.DeletedMeanwhile(_logger, ns, name);
            return ReconcileResult.RequeueWithBackoff();
        }
    }

    private async Task<SlmDeploymentObserved> ObserveAsync(V1Alpha1SlmDeployment resource, CancellationToken cancellationToken)
    {
        var ns = resource.Metadata.NamespaceProperty;
        var workload = WorkerLabels.WorkloadName(resource.Metadata.Name);
        var deployment = _reader.GetDeploymentAsync(ns, workload, cancellationToken);
        var service = _reader.GetServiceAsync(ns, workload, cancellationToken);
        var budget = _reader.GetDisruptionBudgetAsync(ns, workload, cancellationToken);
        var secretName = resource.Spec.Model.Source.SecretRef?.Name;
        var secret = secretName is null ? Task.FromResult<IReadOnlyCollection<string>?>(null) : _reader.GetSecretKeysAsync(ns, secretName, cancellationToken);
        return new SlmDeploymentObserved
        {
            Resource = resource,
            Deployment = await deployment.ConfigureAwait(false),
            Service = await service.ConfigureAwait(false),
            DisruptionBudget = await budget.ConfigureAwait(false),
            SourceSecretKeys = await secret.ConfigureAwait(false),
            Now = _time.GetUtcNow().UtcDateTime,
        };
    }

    private async Task ApplyAsync(V1Alpha1SlmDeployment resource, SlmDeploymentObserved observed, SlmDeploymentPlan plan, CancellationToken cancellationToken)
    {
        var ns = resource.Metadata.NamespaceProperty;
        if (plan.Problems.Count > 0)
        {
            _metrics.Blocked.WithLabels(plan.Problems[0].Reason).Inc();
            if (plan.Events.Any(e => e.Type == PlannedEvent.Warning))
            {
                // Logged when the verdict changes (as the Warning Event is), not on every resync.
                SlmDeploymentLog.Blocked(_logger, ns, resource.Metadata.Name, plan.Problems[0].Reason, plan.Problems[0].Message);
            }
        }

        // The three owned objects are independent: write them concurrently, then status (which
        // reports on them), then Events.
        await Task.WhenAll(
            ApplyDeploymentAsync(observed, plan, ns, cancellationToken),
            ApplyServiceAsync(observed, plan, ns, cancellationToken),
            ApplyBudgetAsync(observed, plan, ns, cancellationToken)).ConfigureAwait(false);

        if (plan.StatusChanged)
        {
            var body = new V1Alpha1SlmDeployment { Metadata = resource.Metadata, Spec = resource.Spec, Status = plan.Status };
            _reader.Wrote(await _client.CustomObjects.ReplaceNamespacedCustomObjectStatusAsync<V1Alpha1SlmDeployment>(body, SlmDeploymentResource.Group, SlmDeploymentResource.Version, ns, SlmDeploymentResource.Plural, resource.Metadata.Name, fieldManager: SlmDeploymentResource.FieldManager, cancellationToken: cancellationToken).ConfigureAwait(false));
            _metrics.Writes.WithLabels(V1Alpha1SlmDeployment.KindName + "/status", "update").Inc();
        }

        foreach (var planned in plan.Events)
        {
            if (await _events.PostAsync(resource, planned, cancellationToken).ConfigureAwait(false))
            {
                _metrics.Events.WithLabels(planned.Type, planned.Reason).Inc();
            }
        }
    }

    private Task ApplyDeploymentAsync(SlmDeploymentObserved observed, SlmDeploymentPlan plan, string ns, CancellationToken cancellationToken) =>
        ApplyAsync(
            plan.Deployment, observed.Deployment, "Deployment", ns,
            desired => _client.AppsV1.CreateNamespacedDeploymentAsync(desired, ns, fieldManager: SlmDeploymentResource.FieldManager, cancellationToken: cancellationToken),
            desired => _client.AppsV1.ReplaceNamespacedDeploymentAsync(desired, desired.Metadata.Name, ns, fieldManager: SlmDeploymentResource.FieldManager, cancellationToken: cancellationToken));

    private Task ApplyServiceAsync(SlmDeploymentObserved observed, SlmDeploymentPlan plan, string ns, CancellationToken cancellationToken) =>
        ApplyAsync(
            plan.Service, observed.Service, "Service", ns,
            desired => _client.CoreV1.CreateNamespacedServiceAsync(desired, ns, fieldManager: SlmDeploymentResource.FieldManager, cancellationToken: cancellationToken),
            desired =>
            {
                var live = observed.Service!;
                // Allocated by the API server and immutable: a replace must carry them unchanged.
                desired.Spec.ClusterIP = live.Spec?.ClusterIP;
                desired.Spec.ClusterIPs = live.Spec?.ClusterIPs;
                desired.Spec.IpFamilies = live.Spec?.IpFamilies;
                desired.Spec.IpFamilyPolicy = live.Spec?.IpFamilyPolicy;
                return _client.CoreV1.ReplaceNamespacedServiceAsync(desired, desired.Metadata.Name, ns, fieldManager: SlmDeploymentResource.FieldManager, cancellationToken: cancellationToken);
            });

    private Task ApplyBudgetAsync(SlmDeploymentObserved observed, SlmDeploymentPlan plan, string ns, CancellationToken cancellationToken) =>
        ApplyAsync(
            plan.DisruptionBudget, observed.DisruptionBudget, "PodDisruptionBudget", ns,
            desired => _client.PolicyV1.CreateNamespacedPodDisruptionBudgetAsync(desired, ns, fieldManager: SlmDeploymentResource.FieldManager, cancellationToken: cancellationToken),
            desired => _client.PolicyV1.ReplaceNamespacedPodDisruptionBudgetAsync(desired, desired.Metadata.Name, ns, fieldManager: SlmDeploymentResource.FieldManager, cancellationToken: cancellationToken));

    /// <summary>Creates or replaces one owned object as planned; a replace keeps what others put on the live object.</summary>
    private async Task ApplyAsync<T>(ObjectWrite<T>? write, T? live, string kind, string ns, Func<T, Task<T>> create, Func<T, Task<T>> replace)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        if (write is not { Kind: not WriteKind.None })
        {
            return;
        }

        var desired = write.Desired;
        if (write.Kind == WriteKind.Create)
        {
            _reader.Wrote(await create(desired).ConfigureAwait(false));
        }
        else
        {
            KeepForeignMetadata(desired.Metadata, live!.Metadata);
            _reader.Wrote(await replace(desired).ConfigureAwait(false));
        }

        Count(kind, write.Kind, ns, desired.Metadata.Name);
    }

    /// <summary>
    /// Merge patch of metadata.finalizers without <see cref="SlmDeploymentResource.LegacyFinalizer"/>,
    /// carrying the resourceVersion so a concurrent change (another controller's finalizer) answers 409
    /// instead of being overwritten. When the object is being deleted and ours was the last, the API
    /// server deletes it now and the garbage collector its owned objects.
    /// </summary>
    private async Task<V1Alpha1SlmDeployment> RemoveLegacyFinalizerAsync(V1Alpha1SlmDeployment resource, List<string> remaining, CancellationToken cancellationToken)
    {
        var patch = new JsonObject
        {
            ["metadata"] = new JsonObject
            {
                ["resourceVersion"] = resource.Metadata.ResourceVersion,
                ["finalizers"] = new JsonArray([.. remaining.Select(f => (JsonNode)JsonValue.Create(f))]),
            },
        };
        var updated = await _client.CustomObjects.PatchNamespacedCustomObjectAsync<V1Alpha1SlmDeployment>(
            new V1Patch(patch.ToJsonString(), V1Patch.PatchType.MergePatch),
            SlmDeploymentResource.Group, SlmDeploymentResource.Version, resource.Metadata.NamespaceProperty, SlmDeploymentResource.Plural, resource.Metadata.Name,
            fieldManager: SlmDeploymentResource.FieldManager, cancellationToken: cancellationToken).ConfigureAwait(false);
        _metrics.Writes.WithLabels(V1Alpha1SlmDeployment.KindName, "patch").Inc();
        _reader.Wrote(updated);
        SlmDeploymentLog.LegacyFinalizerRemoved(_logger, resource.Metadata.NamespaceProperty, resource.Metadata.Name, SlmDeploymentResource.LegacyFinalizer);
        return updated;
    }

    /// <summary>
    /// Drops what this process remembers of the owned objects (the reader's record of our own writes),
    /// so the next plan starts from what the API server holds. Called when the SlmDeployment is gone
    /// (its objects are the garbage collector's) and when a write found one of them missing.
    /// </summary>
    private void ForgetOwned(string ns, string name)
    {
        var workload = WorkerLabels.WorkloadName(name);
        _reader.Deleted(typeof(V1Deployment), ns, workload);
        _reader.Deleted(typeof(V1Service), ns, workload);
        _reader.Deleted(typeof(V1PodDisruptionBudget), ns, workload);
    }

    private void Count(string kind, WriteKind verb, string ns, string name)
    {
        var verbName = verb == WriteKind.Create ? "create" : "update";
        _metrics.Writes.WithLabels(kind, verbName).Inc();
        SlmDeploymentLog.Wrote(_logger, verb == WriteKind.Create ? "Created" : "Updated", kind, ns, name);
    }

    /// <summary>Keeps labels, annotations and finalizers other controllers put on our objects, and the resourceVersion for optimistic concurrency.</summary>
    private static void KeepForeignMetadata(V1ObjectMeta desired, V1ObjectMeta live)
    {
        desired.ResourceVersion = live.ResourceVersion;
        desired.Finalizers = live.Finalizers;
        desired.Labels = Merge(live.Labels, desired.Labels);
        desired.Annotations = Merge(live.Annotations, desired.Annotations);
    }

    private static Dictionary<string, string> Merge(IDictionary<string, string>? live, IDictionary<string, string>? ours)
    {
        var merged = new Dictionary<string, string>(live ?? new Dictionary<string, string>(), StringComparer.Ordinal);
        foreach (var (key, value) in ours ?? new Dictionary<string, string>())
        {
            merged[key] = value;
        }

        return merged;
    }
}
