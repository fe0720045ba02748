using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using SlmFleet.Api.Schema;
using SlmFleet.Api.Validation;

namespace SlmFleet.Api.V1Alpha1;

/// <summary>Desired state of an SlmDeployment.</summary>
[CelRule(CrossFieldRules.MinNotAboveMax, "maxReplicas must be greater than or equal to minReplicas", FieldPath = ".maxReplicas")]
[CelRule(CrossFieldRules.CudaNeedsGpu, "executionProvider cuda needs a GPU accelerator; use auto or cpu with accelerator type cpu", FieldPath = ".runtime.executionProvider")]
public sealed class SlmDeploymentSpec
{
    /// <summary>The model to serve: its served name, where to fetch it and its shape.</summary>
    [Required]
    [JsonPropertyName("model")]
    public ModelSpec Model { get; set; } = new();

    /// <summary>The accelerator each replica runs on; drives node affinity, GPU limits and the fit check.</summary>
    [Required]
    [JsonPropertyName("accelerator")]
    public AcceleratorSpec Accelerator { get; set; } = new();

    /// <summary>
    /// Desired number of worker replicas (the scale subresource's spec; defaults to 1, so kubectl scale,
    /// HPA and KEDA read a real count for a new object). Written by the autoscaler when autoscaling is
    /// enabled; the fleet always runs within [minReplicas, maxReplicas]. A hand kubectl scale of the
    /// worker Deployment is kept until this value changes.
    /// </summary>
    [Range(0, 1000)]
    [DefaultValue(1)]
    [JsonPropertyName("replicas")]
    public int? Replicas { get; set; } = 1;

    /// <summary>Warm replicas: the fleet is never scaled below this, so some capacity is always loaded and ready.</summary>
    [Range(0, 1000)]
    [DefaultValue(1)]
    [JsonPropertyName("minReplicas")]
    public int MinReplicas { get; set; } = 1;

    /// <summary>Upper bound for the autoscaler; must be at least minReplicas.</summary>
    [Range(1, 1000)]
    [DefaultValue(4)]
    [JsonPropertyName("maxReplicas")]
    public int MaxReplicas { get; set; } = 4;

    /// <summary>Utilization-band autoscaling.</summary>
    [JsonPropertyName("autoscaling")]
    public AutoscalingSpec? Autoscaling { get; set; }

    /// <summary>Prompts run before a replica reports ready, so no pod takes traffic cold.</summary>
    [JsonPropertyName("warmup")]
    public WarmupSpec? Warmup { get; set; }

    /// <summary>Inference engine settings of each worker.</summary>
    [JsonPropertyName("runtime")]
    public RuntimeSpec? Runtime { get; set; }

    /// <summary>
    /// On-demand price of one replica's node in USD per hour, used for $/1M tokens. Defaults to the
    /// accelerator catalog's price for the accelerator type.
    /// </summary>
    [Range(0.0, 1000.0)]
    [JsonPropertyName("costPerHour")]
    public double? CostPerHour { get; set; }

    /// <summary>
    /// Where each replica keeps the fetched model; at most one of sizeLimit, perReplicaClaim and
    /// persistentVolumeClaim. Default: an emptyDir per pod (fetched again at every pod start, on the node's
    /// ephemeral storage). perReplicaClaim: one claim per pod of a chosen StorageClass and size, deleted with
    /// the pod, for nodes with little ephemeral storage; works on any number of nodes. persistentVolumeClaim:
    /// one existing claim every replica mounts, so later pods start without a download; with maxReplicas
    /// above 1 it must be ReadWriteMany (or ReadOnlyMany already holding the model), since a ReadWriteOnce
    /// volume attaches to one node at a time. The CacheVolumeReady condition reports a missing or
    /// ReadWriteOnce claim.
    /// </summary>
    [JsonPropertyName("modelCache")]
    public ModelCacheSpec? ModelCache { get; set; }

    /// <summary>Worker container image; defaults to the operator's configured worker image for the accelerator.</summary>
    [MaxLength(512)]
    [JsonPropertyName("image")]
    public string? Image { get; set; }
}
