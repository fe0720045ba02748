using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using SlmFleet.Api.Schema;
using SlmFleet.Api.Validation;

namespace SlmFleet.Api.V1Alpha1;

/// <summary>
/// Where the init step puts the model: an emptyDir (default), a claim per replica, or one existing claim
/// shared by every replica (see <c>SlmDeploymentSpec.ModelCache</c> for how to choose).
/// </summary>
[CelRule(CrossFieldRules.CacheOneKind, "set at most one of persistentVolumeClaim, perReplicaClaim and sizeLimit (emptyDir)")]
public sealed class ModelCacheSpec
{
    /// <summary>
    /// Name of an existing PersistentVolumeClaim, in the SlmDeployment's namespace, that every replica mounts
    /// as its model cache. Must be ReadWriteMany, or ReadOnlyMany holding the model under
    /// <c>&lt;SlmDeployment name&gt;/</c>, unless maxReplicas is 1. A missing claim blocks the rollout
    /// (the running workers are kept) until it exists.
    /// </summary>
    [MaxLength(253)]
    [RegularExpression("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")]
    [JsonPropertyName("persistentVolumeClaim")]
    public string? PersistentVolumeClaim { get; set; }

    /// <summary>A claim per replica, created and deleted with each worker pod (a generic ephemeral volume).</summary>
    [JsonPropertyName("perReplicaClaim")]
    public PerReplicaClaimSpec? PerReplicaClaim { get; set; }

    /// <summary>Size limit of the emptyDir cache, as a Kubernetes quantity (e.g. <c>20Gi</c>).</summary>
    [MaxLength(32)]
    [RegularExpression("^[0-9]+(\\.[0-9]+)?(Ki|Mi|Gi|Ti|K|M|G|T)?$")]
    [JsonPropertyName("sizeLimit")]
    public string? SizeLimit { get; set; }
}
