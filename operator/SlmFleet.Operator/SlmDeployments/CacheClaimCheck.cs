using System.Globalization;
using k8s.Models;
using SlmFleet.Api.V1Alpha1;

namespace SlmFleet.Operator.SlmDeployments;

/// <summary>
/// Checks the existing PersistentVolumeClaims every replica mounts: the shared model cache
/// (<c>spec.modelCache.persistentVolumeClaim</c>) and a <c>pvc://claim/path</c> model source. A missing
/// claim blocks the rollout like a missing Secret: a worker Deployment applied without it would only
/// leave new pods Pending (and stall a rolling update of a running fleet, which surges one pod with
/// maxUnavailable 0), so the last good spec keeps running until the claim exists. A claim that only one
/// node (ReadWriteOnce) or one pod (ReadWriteOncePod) can mount while maxReplicas is above 1 is a
/// warning, not a block: replicas that land beside the first still run. Pure.
/// </summary>
internal static class CacheClaimCheck
{
    private const string CacheField = "spec.modelCache.persistentVolumeClaim";
    private const string SourceField = "spec.model.source.uri";

    /// <summary>(field, claim name) of each claim the spec mounts into every replica.</summary>
    public static IReadOnlyList<(string Field, string Claim)> Referenced(SlmDeploymentSpec spec)
    {
        var claims = new List<(string, string)>();
        if (spec.ModelCache?.PersistentVolumeClaim is { Length: > 0 } cache)
        {
            claims.Add((CacheField, cache));
        }

        if (WorkerDeploymentBuilder.ResolveSource(spec.Model.Source.Uri).Claim is { Length: > 0 } source)
        {
            claims.Add((SourceField, source));
        }

        return claims;
    }

    /// <summary>A blocking problem for each referenced claim that does not exist.</summary>
    public static IReadOnlyList<SpecProblem> Missing(V1Alpha1SlmDeployment resource, IReadOnlyDictionary<string, V1PersistentVolumeClaim> claims) =>
        [.. Referenced(resource.Spec)
            .Where(r => !claims.ContainsKey(r.Claim))
            .Select(r => new SpecProblem(r.Field, ConditionReasons.CacheVolumeMissing, MissingMessage(resource, r.Field, r.Claim)))];

    /// <summary>The <c>CacheVolumeReady</c> condition; null when no claim is referenced.</summary>
    public static PlannedCondition? Condition(V1Alpha1SlmDeployment resource, IReadOnlyDictionary<string, V1PersistentVolumeClaim> claims)
    {
        var referenced = Referenced(resource.Spec);
        if (referenced.Count == 0)
        {
            return null;
        }

        var missing = Missing(resource, claims);
        if (missing.Count > 0)
        {
            // The Warning Event is the blocking problem's (posted with Ready): no second one here.
            return new PlannedCondition(ConditionTypes.CacheVolumeReady, ConditionSet.False, ConditionReasons.CacheVolumeMissing, string.Join(" ", missing.Select(p => p.Message)));
        }

        var max = resource.Spec.MaxReplicas;
        var single = referenced.Select(r => (r.Field, Claim: claims[r.Claim])).Where(r => max > 1 && !Shareable(r.Claim)).ToList();
        if (single.Count > 0)
        {
            return new PlannedCondition(ConditionTypes.CacheVolumeReady, ConditionSet.False, ConditionReasons.CacheVolumeReadWriteOnce,
                string.Join(" ", single.Select(r => SingleNodeMessage(r.Field, r.Claim, max))), Warn: true);
        }

        return new PlannedCondition(ConditionTypes.CacheVolumeReady, ConditionSet.True, ConditionReasons.CacheVolumeUsable,
            string.Join(" ", referenced.Select(r => string.Create(CultureInfo.InvariantCulture,
                $"PersistentVolumeClaim {Qualified(claims[r.Claim])} ({Modes(claims[r.Claim])}) from {r.Field} can be mounted by up to spec.maxReplicas {max} replica(s)."))));
    }

    /// <summary>The access modes the volume has once bound (status), else those asked for (spec).</summary>
    private static IReadOnlyList<string> AccessModes(V1PersistentVolumeClaim claim) =>
        claim.Status?.AccessModes is { Count: > 0 } bound ? [.. bound] : [.. claim.Spec?.AccessModes ?? []];

    private static bool Shareable(V1PersistentVolumeClaim claim) =>
        AccessModes(claim).Any(m => m is "ReadWriteMany" or "ReadOnlyMany");

    private static string Modes(V1PersistentVolumeClaim claim) =>
        AccessModes(claim) is { Count: > 0 } modes ? string.Join(", ", modes) : "no access modes";

    private static string Qualified(V1PersistentVolumeClaim claim) => $"{claim.Metadata.NamespaceProperty}/{claim.Metadata.Name}";

    private static string MissingMessage(V1Alpha1SlmDeployment resource, string field, string claim)
    {
        var ns = resource.Metadata.NamespaceProperty ?? "default";
        var wanted = resource.Spec.MaxReplicas > 1
            ? string.Create(CultureInfo.InvariantCulture, $"ReadWriteMany or ReadOnlyMany, since spec.maxReplicas is {resource.Spec.MaxReplicas}")
            : "any access mode, since spec.maxReplicas is 1";
        return $"{field}: PersistentVolumeClaim {ns}/{claim} not found. Create it ({wanted}) or change {field}; the worker Deployment is not changed until it exists.";
    }

    private static string SingleNodeMessage(string field, V1PersistentVolumeClaim claim, int maxReplicas)
    {
        var modes = AccessModes(claim);
        var onePod = modes.Contains("ReadWriteOncePod") && !modes.Contains("ReadWriteOnce");
        var why = onePod
            ? "only one pod at a time can mount a ReadWriteOncePod volume, so every other replica stays in ContainerCreating"
            : "a ReadWriteOnce volume attaches to one node at a time, so replicas scheduled on other nodes stay in ContainerCreating";
        var fixes = field == CacheField
            ? "Use a ReadWriteMany or ReadOnlyMany claim, spec.modelCache.perReplicaClaim (one claim per replica), or spec.maxReplicas 1."
            : "Use a ReadWriteMany or ReadOnlyMany claim, an hf:// or https:// source, or spec.maxReplicas 1.";
        return string.Create(CultureInfo.InvariantCulture,
            $"{field}: PersistentVolumeClaim {Qualified(claim)} is {Modes(claim)} but spec.maxReplicas is {maxReplicas}: every replica mounts it, and {why}. {fixes}");
    }
}
