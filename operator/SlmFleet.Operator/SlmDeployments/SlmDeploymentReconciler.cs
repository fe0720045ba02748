using System.Collections.Concurrent;
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
/// and applies exactly that: the owned objects (server-side apply through <see cref="IOwnedObjectWriter"/>,
/// only those the plan says differ), then status through the status subresource only when it changed,
/// then Events. A 409 or 404 anywhere means the state moved: the key is requeued and planned again from
/// scratch. Any other refusal of an owned write is planned again with the failure observed, so status
/// (<c>Ready=False</c>, reason <c>&lt;Kind&gt;ApplyFailed</c>) and one Warning Event report it; the key is
/// then retried with its own slow back-off (<see cref="FailureBackoff"/>) and nothing already written is
/// deleted. Transient server errors (5xx, 429) are reported only once they repeat
/// (<see cref="TransientFailuresBeforeReport"/> times in a row).
/// No finalizer: the owned objects carry owner references, so deleting an SlmDeployment (or its
/// namespace) completes at once, with or without the operator, and the garbage collector deletes the
/// workers. The finalizer older versions set (<see cref="SlmDeploymentResource.LegacyFinalizer"/>) is
/// removed wherever it is found, and nothing else is done for a deletion.
/// </summary>
internal sealed class SlmDeploymentReconciler : IReconciler<V1Alpha1SlmDeployment>
{
    private readonly IKubernetes _client;
    private readonly IOwnedStateReader _reader;
    private readonly IOwnedObjectWriter _writer;
    private readonly ConcurrentDictionary<(string Namespace, string Name), int> _failures = new();
    private readonly SlmDeploymentPlanner _planner;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SlmDeploymentMetrics _metrics;
    private readonly EventRecorder _events;

    /// <summary>A missing Secret is not watched (the operator does not cache Secrets): look again after this long.</summary>
    public static readonly TimeSpan SecretRecheckInterval = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Delays between retries of a key whose owned write keeps being refused: 5 s doubling to 5 min, so
    /// hundreds of failing SlmDeployments settle at about one request per key every five minutes
    /// instead of riding the queue's fast back-off (5 ms doubling, 10/s overall).
    /// </summary>
    public static readonly (TimeSpan Initial, TimeSpan Max) FailureBackoff = (TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(5));

    /// <summary>Consecutive transient failures (5xx, 429) of a key before status and an Event report them.</summary>
    public const int TransientFailuresBeforeReport = 3;

    public SlmDeploymentReconciler(IKubernetes client, IOwnedStateReader reader, IOwnedObjectWriter writer, SlmDeploymentPlanner planner, TimeProvider time, ILogger<SlmDeploymentReconciler> logger, SlmDeploymentMetrics metrics)
    {
        _writer = writer;
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
            _failures.TryRemove((ns, name), out _);
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
            var failures = await ApplyAsync(resource, observed, plan, cancellationToken).ConfigureAwait(false);
            PlanApplied?.Invoke(plan);
            if (failures.Count > 0)
            {
                return await ReportFailuresAsync(resource, observed, failures, cancellationToken).ConfigureAwait(false);
            }

            _failures.TryRemove((ns, name), out _);
            if (plan.RetryLater)
            {
                // What blocks it (a foreign object, workers awaiting the garbage collector) is only in the
                // caches; a remembered write of ours must not hide its deletion.
                ForgetOwned(ns, name);
                return ReconcileResult.RequeueWithBackoff();
            }

            return plan.Problems.Any(p => p.Reason == ConditionReasons.SecretNotFound) ? ReconcileResult.After(SecretRecheckInterval)
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
        var autoscalers = _reader.GetAutoscalersAsync(ns, resource.Metadata.Name, cancellationToken);
        var claims = ReadClaimsAsync(resource, cancellationToken);
        // Only a fleet allowed to reach zero depends on a RoutingPolicy to come back.
        var policies = resource.Spec.MinReplicas == 0 ? _reader.GetRoutingPoliciesAsync(ns, cancellationToken) : Task.FromResult<IReadOnlyList<V1Alpha1RoutingPolicy>?>(null);
        return new SlmDeploymentObserved
        {
            Resource = resource,
            Deployment = await deployment.ConfigureAwait(false),
            Service = await service.ConfigureAwait(false),
            DisruptionBudget = await budget.ConfigureAwait(false),
            SourceSecretKeys = await secret.ConfigureAwait(false),
            Autoscalers = await autoscalers.ConfigureAwait(false),
            Claims = await claims.ConfigureAwait(false),
            RoutingPolicies = await policies.ConfigureAwait(false),
            Now = _time.GetUtcNow().UtcDateTime,
        };
    }

    private async Task<IReadOnlyDictionary<string, V1PersistentVolumeClaim>> ReadClaimsAsync(V1Alpha1SlmDeployment resource, CancellationToken cancellationToken)
    {
        var found = new Dictionary<string, V1PersistentVolumeClaim>(StringComparer.Ordinal);
        foreach (var (_, name) in CacheClaimCheck.Referenced(resource.Spec))
        {
            if (!found.ContainsKey(name) && await _reader.GetClaimAsync(resource.Metadata.NamespaceProperty, name, cancellationToken).ConfigureAwait(false) is { } claim)
            {
                found[name] = claim;
            }
        }

        return found;
    }

    /// <summary>Applies the plan; returns the owned writes the API server refused (status and Events are then left to <see cref="ReportFailuresAsync"/>).</summary>
    private async Task<IReadOnlyList<WriteFailure>> ApplyAsync(V1Alpha1SlmDeployment resource, SlmDeploymentObserved observed, SlmDeploymentPlan plan, CancellationToken cancellationToken)
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
        var failures = (await Task.WhenAll(
            WriteAsync(plan.Deployment, observed.Deployment, "Deployment", cancellationToken),
            WriteAsync(plan.Service, observed.Service, "Service", cancellationToken),
            WriteAsync(plan.DisruptionBudget, observed.DisruptionBudget, "PodDisruptionBudget", cancellationToken)).ConfigureAwait(false))
            .OfType<WriteFailure>()
            .ToList();
        if (failures.Count == 0)
        {
            await WriteStatusAndEventsAsync(resource, plan, cancellationToken).ConfigureAwait(false);
        }

        return failures;
    }

    /// <summary>
    /// Plans again with the refused writes observed, so status and Events name them (the planner stays
    /// the only place that decides what status says); then picks the retry delay.
    /// </summary>
    private async Task<ReconcileResult> ReportFailuresAsync(V1Alpha1SlmDeployment resource, SlmDeploymentObserved observed, IReadOnlyList<WriteFailure> failures, CancellationToken cancellationToken)
    {
        var key = (resource.Metadata.NamespaceProperty, resource.Metadata.Name);
        var count = _failures.AddOrUpdate(key, 1, (_, n) => n + 1);
        foreach (var failure in failures)
        {
            SlmDeploymentLog.WriteFailed(_logger, failure.Kind, failure.Namespace, failure.Name, failure.StatusCode, failure.Message, count);
            _metrics.WriteFailures.WithLabels(failure.Kind, failure.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture)).Inc();
        }

        if (!failures.Any(f => f.IsRefusal) && count < TransientFailuresBeforeReport)
        {
            return ReconcileResult.RequeueWithBackoff();
        }

        var replanned = _planner.Compute(observed with { WriteFailures = failures });
        await WriteStatusAndEventsAsync(resource, replanned, cancellationToken).ConfigureAwait(false);
        return ReconcileResult.After(ExponentialBackoff.Delay(FailureBackoff.Initial, FailureBackoff.Max, count - 1));
    }

    private async Task WriteStatusAndEventsAsync(V1Alpha1SlmDeployment resource, SlmDeploymentPlan plan, CancellationToken cancellationToken)
    {
        var ns = resource.Metadata.NamespaceProperty;
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

    /// <summary>Applies one owned object as planned; a refusal other than 409/404 comes back as a <see cref="WriteFailure"/>.</summary>
    private async Task<WriteFailure?> WriteAsync<T>(ObjectWrite<T>? write, T? live, string kind, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        if (write is not { Kind: not WriteKind.None })
        {
            return null;
        }

        var desired = write.Desired;
        try
        {
            _reader.Wrote(await _writer.ApplyAsync(desired, live, cancellationToken).ConfigureAwait(false));
        }
        catch (HttpOperationException e) when (e.Response.StatusCode is not HttpStatusCode.Conflict and not HttpStatusCode.NotFound)
        {
            return new WriteFailure(kind, desired.Metadata.NamespaceProperty, desired.Metadata.Name, (int)e.Response.StatusCode, ApiMessage(e));
        }

        Count(kind, write.Kind, desired.Metadata.NamespaceProperty, desired.Metadata.Name);
        return null;
    }

    /// <summary>The message of the API server's v1 Status body, else the HTTP reason phrase.</summary>
    private static string ApiMessage(HttpOperationException e)
    {
        try
        {
            if (e.Response.Content is { Length: > 0 } content && KubernetesJson.Deserialize<V1Status>(content) is { Message: { Length: > 0 } message })
            {
                return message.EndsWith('.') ? message : message + ".";
            }
        }
        catch (System.Text.Json.JsonException)
        {
            // Not a Status body (a proxy in between): fall back to the reason phrase.
        }

        return (e.Response.ReasonPhrase ?? e.Response.StatusCode.ToString()) + ".";
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
}
