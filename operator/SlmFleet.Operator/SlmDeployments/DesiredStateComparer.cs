using k8s;
using k8s.Models;

namespace SlmFleet.Operator.SlmDeployments;

/// <summary>
/// NeedsApply: whether the configuration the operator applies differs from what the live object holds,
/// looking only at what the operator owns, so fields the API server defaults or others add never cause
/// a write (zero writes in steady state and after a restart). Two checks:
/// <list type="bullet">
/// <item>intent: the annotations the operator stamps (the digest of the rendered object, the replicas
/// it last asked for) and its labels differ from the live ones — the spec changed;</item>
/// <item>drift: the operator's managedFields entry no longer covers every field of the configuration
/// (someone edited, removed or took over an owned field, e.g. a hand edit of the worker's resources or
/// a stripped label) — see <see cref="FieldOwnership"/>.</item>
/// </list>
/// A live object without any managedFields comes from a server that records no field ownership (the
/// in-process API test server): only the intent check and the replica count apply there.
/// </summary>
internal static class DesiredStateComparer
{
    public static WriteKind NeedsApply<T>(T applied, T? live)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        ArgumentNullException.ThrowIfNull(applied);
        if (live is null)
        {
            return WriteKind.Create;
        }

        var have = live.Metadata;
        var want = applied.Metadata;
        if (Differs(want.Annotations, have.Annotations) || Differs(want.Labels, have.Labels) || !HasController(want, have))
        {
            return WriteKind.Update;
        }

        if (!FieldOwnership.Tracked(have))
        {
            return applied is V1Deployment { Spec.Replicas: { } replicas } && (live as V1Deployment)?.Spec?.Replicas != replicas
                ? WriteKind.Update
                : WriteKind.None;
        }

        return FieldOwnership.CoversApplied(FieldOwnership.AppliedFields(have, ServerSideApplyWriter.FieldManager), applied)
            ? WriteKind.None
            : WriteKind.Update;
    }

    private static bool Differs(IDictionary<string, string>? desired, IDictionary<string, string>? observed) =>
        (desired ?? new Dictionary<string, string>()).Any(p => observed is null || !observed.TryGetValue(p.Key, out var have) || have != p.Value);

    private static bool HasController(V1ObjectMeta desired, V1ObjectMeta observed)
    {
        var owner = desired.OwnerReferences?.FirstOrDefault(r => r.Controller == true);
        return owner is null || observed.OwnerReferences?.Any(r => r.Controller == true && r.Uid == owner.Uid) == true;
    }
}
