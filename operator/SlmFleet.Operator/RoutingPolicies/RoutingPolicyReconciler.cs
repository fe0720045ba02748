using System.Net;
using k8s;
using k8s.Autorest;
using SlmFleet.Api.V1Alpha1;
using SlmFleet.Operator.Events;
using SlmFleet.Operator.Runtime;

namespace SlmFleet.Operator.RoutingPolicies;

/// <summary>
/// The thin executor: observes (caches + the usage snapshot), asks <see cref="RoutingPolicyPlanner"/>,
/// writes status through the status subresource only when it changed, posts the planned Events and
/// sets the budget gauges. With a usage collector, each policy is planned again every collection
/// interval so new numbers land in status; nothing is written while they stay the same.
/// </summary>
internal sealed class RoutingPolicyReconciler : IReconciler<V1Alpha1RoutingPolicy>
{
    private readonly IKubernetes _client;
    private readonly RoutingPolicyStateReader _reader;
    private readonly RouterUsageCollector? _usage;
    private readonly EventRecorder _events;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly RoutingPolicyMetrics _metrics;

    public RoutingPolicyReconciler(IKubernetes client, RoutingPolicyStateReader reader, RouterUsageCollector? usage, TimeProvider time, ILogger<RoutingPolicyReconciler> logger, RoutingPolicyMetrics metrics)
    {
        _client = client;
        _reader = reader;
        _usage = usage;
        _time = time;
        _logger = logger;
        _metrics = metrics;
        _events = new EventRecorder(client, time, logger, RoutingPolicyResource.FieldManager);
    }

    /// <summary>Optional observer of every plan applied (tests count reconciles with it).</summary>
    public Action<RoutingPolicyPlan>? PlanApplied { get; set; }

    public async Task<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken cancellationToken)
    {
        var ns = key.Namespace ?? "default";
        var policy = _reader.GetPolicy(key);
        if (policy is null || policy.Metadata.DeletionTimestamp is not null)
        {
            _metrics.BudgetFraction.RemoveLabelled(ns, key.Name);
            _metrics.BudgetAlert.RemoveLabelled(ns, key.Name);
            return ReconcileResult.Done;
        }

        var plan = RoutingPolicyPlanner.Compute(Observe(policy));
        try
        {
            await ApplyAsync(policy, plan, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict)
        {
            RoutingPolicyLog.Conflict(_logger, ns, key.Name);
            _metrics.Conflicts.Inc();
            return ReconcileResult.RequeueWithBackoff();
        }

        PlanApplied?.Invoke(plan);
        return _usage is null ? ReconcileResult.Done : ReconcileResult.After(_usage.Interval);
    }

    private RoutingPolicyObserved Observe(V1Alpha1RoutingPolicy policy)
    {
        var ns = policy.Metadata.NamespaceProperty;
        var spec = policy.Spec;
        return new RoutingPolicyObserved
        {
            Policy = policy,
            Deployment = _reader.GetDeployment(ns, spec.Slm.DeploymentRef.Name),
            DeploymentNames = _reader.DeploymentNames(ns),
            SecretKeys = spec.Llm.ApiKeySecretRef is { } secret ? _reader.SecretKeys(ns, secret.Name) : null,
            AliasHeldBy = AliasOwnership.HeldBy(policy, _reader.PoliciesIn(ns)),
            Usage = _usage?.Get(ns, spec.ModelAlias),
            Now = _time.GetUtcNow().UtcDateTime,
        };
    }

    private async Task ApplyAsync(V1Alpha1RoutingPolicy policy, RoutingPolicyPlan plan, CancellationToken cancellationToken)
    {
        var ns = policy.Metadata.NamespaceProperty;
        var name = policy.Metadata.Name;
        if (plan.StatusChanged)
        {
            if (plan.Problems.Count > 0)
            {
                RoutingPolicyLog.NotReady(_logger, ns, name, plan.Problems[0].Reason, plan.Problems[0].Message);
            }

            var body = new V1Alpha1RoutingPolicy { Metadata = policy.Metadata, Spec = policy.Spec, Status = plan.Status };
            var written = await _client.CustomObjects.ReplaceNamespacedCustomObjectStatusAsync<V1Alpha1RoutingPolicy>(
                body, RoutingPolicyResource.Group, RoutingPolicyResource.Version, ns, RoutingPolicyResource.Plural, name,
                fieldManager: RoutingPolicyResource.FieldManager, cancellationToken: cancellationToken).ConfigureAwait(false);
            _reader.Wrote(written);
            _metrics.StatusWrites.Inc();
            RoutingPolicyLog.StatusWritten(_logger, ns, name);
        }

        // Events only after the status that records the flip is stored: a 409 above re-plans and
        // re-decides them, so they are neither lost nor repeated.
        foreach (var planned in plan.Events)
        {
            if (await _events.PostAsync(policy, planned, cancellationToken).ConfigureAwait(false))
            {
                _metrics.Events.WithLabels(planned.Type, planned.Reason).Inc();
            }
        }

        if (plan.BudgetFraction is { } fraction)
        {
            _metrics.BudgetFraction.WithLabels(ns, name).Set(fraction);
            _metrics.BudgetAlert.WithLabels(ns, name).Set(fraction >= (policy.Spec.Budget?.AlertFraction ?? 1) ? 1 : 0);
        }
        else
        {
            _metrics.BudgetFraction.RemoveLabelled(ns, name);
            _metrics.BudgetAlert.RemoveLabelled(ns, name);
        }
    }
}
