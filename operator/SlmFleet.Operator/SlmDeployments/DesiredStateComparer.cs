using k8s.Models;

namespace SlmFleet.Operator.SlmDeployments;

/// <summary>
/// NeedsUpdate: compares only what the operator owns — its digest annotation, its labels, its
/// controller owner reference and the few spec fields others may change (replicas, the worker's image
/// and arguments) — so fields the API server defaults never trigger a write.
/// </summary>
internal static class DesiredStateComparer
{
    public static WriteKind NeedsUpdate(V1Deployment desired, V1Deployment? observed)
    {
        if (observed is null)
        {
            return WriteKind.Create;
        }

        if (MetadataDiffers(desired.Metadata, observed.Metadata) || observed.Spec?.Replicas != desired.Spec.Replicas)
        {
            return WriteKind.Update;
        }

        // Someone edited the live template (kubectl edit/set image): the digest still matches, so
        // compare the worker container itself to put it back.
        var want = desired.Spec.Template.Spec.Containers[0];
        var have = observed.Spec?.Template?.Spec?.Containers?.FirstOrDefault(c => c.Name == want.Name);
        return have is null || have.Image != want.Image || !(have.Args ?? []).SequenceEqual(want.Args ?? [], StringComparer.Ordinal)
            ? WriteKind.Update
            : WriteKind.None;
    }

    public static WriteKind NeedsUpdate(V1Service desired, V1Service? observed) =>
        observed is null ? WriteKind.Create
        : MetadataDiffers(desired.Metadata, observed.Metadata) ? WriteKind.Update
        : WriteKind.None;

    public static WriteKind NeedsUpdate(V1PodDisruptionBudget desired, V1PodDisruptionBudget? observed) =>
        observed is null ? WriteKind.Create
        : MetadataDiffers(desired.Metadata, observed.Metadata) || observed.Spec?.MinAvailable?.Value != desired.Spec.MinAvailable?.Value ? WriteKind.Update
        : WriteKind.None;

    private static bool MetadataDiffers(V1ObjectMeta desired, V1ObjectMeta observed)
    {
        if (WorkerLabels.DesiredHash(desired) != WorkerLabels.DesiredHash(observed))
        {
            return true;
        }

        foreach (var (key, value) in desired.Labels ?? new Dictionary<string, string>())
        {
            if (observed.Labels is null || !observed.Labels.TryGetValue(key, out var have) || have != value)
            {
                return true;
            }
        }

        var owner = desired.OwnerReferences?.FirstOrDefault(r => r.Controller == true);
        return owner is not null && observed.OwnerReferences?.Any(r => r.Controller == true && r.Uid == owner.Uid) != true;
    }
}
