using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using SlmFleet.Api.Schema;
using SlmFleet.Api.Validation;

namespace SlmFleet.Api.V1Alpha1;

/// <summary>
/// Where the init step puts the model. Default: an <c>emptyDir</c> per pod (re-fetched on every start);
/// a PersistentVolumeClaim makes restarts fast.
/// </summary>
[CelRule(CrossFieldRules.CacheEitherPvcOrSize, "set persistentVolumeClaim or sizeLimit (emptyDir), not both", FieldPath = ".sizeLimit")]
public sealed class ModelCacheSpec
{
    /// <summary>Name of an existing PersistentVolumeClaim to cache the model in.</summary>
    [MaxLength(253)]
    [RegularExpression("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")]
    [JsonPropertyName("persistentVolumeClaim")]
    public string? PersistentVolumeClaim { get; set; }

    /// <summary>Size limit of the emptyDir cache, as a Kubernetes quantity (e.g. <c>20Gi</c>).</summary>
    [MaxLength(32)]
    [RegularExpression("^[0-9]+(\\.[0-9]+)?(Ki|Mi|Gi|Ti|K|M|G|T)?$")]
    [JsonPropertyName("sizeLimit")]
    public string? SizeLimit { get; set; }
}
