using k8s.Models;

namespace SlmFleet.Operator.SlmDeployments;

/// <summary>
/// The informer transform of PersistentVolumeClaims: the operator watches every claim in its namespaces
/// to see a referenced one appear, but needs only its identity and access modes, so that is all it keeps.
/// </summary>
internal static class ClaimTrim
{
    public static V1PersistentVolumeClaim Trim(V1PersistentVolumeClaim claim)
    {
        ArgumentNullException.ThrowIfNull(claim);
        return new V1PersistentVolumeClaim
        {
            ApiVersion = claim.ApiVersion,
            Kind = claim.Kind,
            Metadata = new V1ObjectMeta
            {
                Name = claim.Metadata.Name,
                NamespaceProperty = claim.Metadata.NamespaceProperty,
                Uid = claim.Metadata.Uid,
                ResourceVersion = claim.Metadata.ResourceVersion,
            },
            Spec = new V1PersistentVolumeClaimSpec { AccessModes = claim.Spec?.AccessModes },
            Status = claim.Status is null ? null : new V1PersistentVolumeClaimStatus { Phase = claim.Status.Phase, AccessModes = claim.Status.AccessModes },
        };
    }
}
