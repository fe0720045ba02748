using k8s.Models;
using SlmFleet.Api.V1Alpha1;
using SlmFleet.Operator.Autoscaling;
using SlmFleet.Operator.Runtime;

namespace SlmFleet.Operator.SlmDeployments;

/// <summary>
/// Maps changes of the objects the SlmDeployment conditions depend on to the SlmDeployments to reconcile:
/// <code>
///   HorizontalPodAutoscaler added/deleted/target or range changed ─► the fleet its scaleTargetRef scales (old and new)
///   PersistentVolumeClaim added/deleted/access modes changed     ─► fleets that mount it
///   RoutingPolicy added/deleted/deploymentRefs changed           ─► fleets it routes to (old and new)
/// </code>
/// Status-only updates (an HPA's every sync, a policy's usage numbers) requeue nothing: they change no condition.
/// </summary>
internal static class FleetInputWatches
{
    public static IEnumerable<ObjectKey> ScaledFleets(InformerEvent<V2HorizontalPodAutoscaler> change)
    {
        if (!Relevant(change, a => (ExternalAutoscalers.SlmDeploymentName(a), ExternalAutoscalers.Describe(a), ExternalAutoscalers.TargetsWorkerDeployment(a))))
        {
            return [];
        }

        return Keys(change, ExternalAutoscalers.SlmDeploymentName);
    }

    public static IEnumerable<ObjectKey> ClaimUsers(Informer<V1Alpha1SlmDeployment> resources, InformerEvent<V1PersistentVolumeClaim> change)
    {
        if (!Relevant(change, c => string.Join(",", c.Spec?.AccessModes ?? []) + "/" + string.Join(",", c.Status?.AccessModes ?? [])))
        {
            return [];
        }

        var claim = change.Object.Metadata;
        return resources.List()
            .Where(r => r.Metadata.NamespaceProperty == claim.NamespaceProperty && CacheClaimCheck.Referenced(r.Spec).Any(c => c.Claim == claim.Name))
            .Select(ObjectKey.Of);
    }

    public static IEnumerable<ObjectKey> RoutedFleets(InformerEvent<V1Alpha1RoutingPolicy> change)
    {
        if (!Relevant(change, p => (p.Spec.Slm.DeploymentRef.Name, p.Spec.Candidate?.DeploymentRef.Name, p.Metadata.DeletionTimestamp)))
        {
            return [];
        }

        return Keys(change, p => p.Spec.Slm.DeploymentRef.Name).Concat(Keys(change, p => p.Spec.Candidate?.DeploymentRef.Name)).Distinct();
    }

    /// <summary>Added and deleted objects always matter; a modification only when <paramref name="significant"/> differs; resyncs never (the primary resync covers them).</summary>
    private static bool Relevant<T, TValue>(InformerEvent<T> change, Func<T, TValue> significant)
        where T : class, k8s.IKubernetesObject<V1ObjectMeta> =>
        change.Type switch
        {
            InformerEventType.Added or InformerEventType.Deleted => true,
            InformerEventType.Modified => change.Old is null || !EqualityComparer<TValue>.Default.Equals(significant(change.Old), significant(change.Object)),
            _ => false,
        };

    private static IEnumerable<ObjectKey> Keys<T>(InformerEvent<T> change, Func<T, string?> fleet)
        where T : class, k8s.IKubernetesObject<V1ObjectMeta> =>
        new[] { change.Object, change.Old }
            .OfType<T>()
            .Select(o => (o.Metadata.NamespaceProperty, Name: fleet(o)))
            .Where(k => k.Name is not null)
            .Distinct()
            .Select(k => new ObjectKey(k.NamespaceProperty, k.Name!));
}
