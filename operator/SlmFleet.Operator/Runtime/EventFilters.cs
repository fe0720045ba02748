using k8s;
using k8s.Models;

namespace SlmFleet.Operator.Runtime;

/// <summary>Predicates deciding which informer events of the primary kind enqueue a reconcile.</summary>
internal static class EventFilters
{
    /// <summary>
    /// The default: skip Modified events whose metadata.generation did not change (status-only
    /// writes, including our own), except when deletion starts or finalizers change. Added, Deleted
    /// and Resync always pass.
    /// </summary>
    public static bool GenerationChanged<T>(InformerEvent<T> change)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        ArgumentNullException.ThrowIfNull(change);
        if (change.Type != InformerEventType.Modified || change.Old is null)
        {
            return true;
        }

        var before = change.Old.Metadata;
        var after = change.Object.Metadata;
        return before.Generation != after.Generation
            || before.DeletionTimestamp != after.DeletionTimestamp
            || !(before.Finalizers ?? []).SequenceEqual(after.Finalizers ?? []);
    }

    /// <summary>Also passes when labels or annotations changed (for reconcilers that read them).</summary>
    public static bool LabelsOrAnnotationsChanged<T>(InformerEvent<T> change)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        ArgumentNullException.ThrowIfNull(change);
        if (change.Old is null)
        {
            return true;
        }

        return !SameMap(change.Old.Metadata.Labels, change.Object.Metadata.Labels)
            || !SameMap(change.Old.Metadata.Annotations, change.Object.Metadata.Annotations);
    }

    private static bool SameMap(IDictionary<string, string>? a, IDictionary<string, string>? b) =>
        (a?.Count ?? 0) == (b?.Count ?? 0) && (a is null || a.All(kv => b!.TryGetValue(kv.Key, out var v) && v == kv.Value));
}
