using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace SlmFleet.Api.V1Alpha1;

/// <summary>
/// One PersistentVolumeClaim per worker pod, created from this template with the pod and deleted with it
/// (a generic ephemeral volume, <c>volumes[].ephemeral.volumeClaimTemplate</c>, ReadWriteOnce). Each replica
/// fetches its own copy, so any storage class works on any number of nodes; the copy survives container
/// restarts but not the pod.
/// </summary>
public sealed class PerReplicaClaimSpec
{
    /// <summary>Requested size of each replica's claim, as a Kubernetes quantity (e.g. <c>20Gi</c>): room for the model's files.</summary>
    [Required]
    [MaxLength(32)]
    [RegularExpression("^[0-9]+(\\.[0-9]+)?(Ki|Mi|Gi|Ti|K|M|G|T)?$")]
    [JsonPropertyName("size")]
    public string Size { get; set; } = string.Empty;

    /// <summary>StorageClass of each replica's claim; unset uses the cluster's default StorageClass.</summary>
    [MaxLength(253)]
    [RegularExpression("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")]
    [JsonPropertyName("storageClassName")]
    public string? StorageClassName { get; set; }
}
