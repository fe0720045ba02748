using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using k8s;
using k8s.Models;
using SlmFleet.Api.Schema;

namespace SlmFleet.Api.V1Alpha1;

/// <summary>
/// A small language model served by a fleet of inference workers on one class of accelerator.
/// The operator turns it into a worker Deployment, a gRPC Service and a PodDisruptionBudget, keeps
/// the warm replicas running and scales the fleet to hold GPU utilization inside the target band.
/// </summary>
[KubernetesEntity(Group = ApiGroup.Group, ApiVersion = ApiGroup.Version, Kind = KindName, PluralName = Plural)]
[CustomResource(Singular = "slmdeployment", ShortNames = ["slmd"], Categories = ["slmfleet"])]
[ScaleSubresource]
[PrinterColumn("Model", "string", ".spec.model.name")]
[PrinterColumn("Accelerator", "string", ".spec.accelerator.type")]
[PrinterColumn("Ready", "integer", ".status.readyReplicas")]
[PrinterColumn("Desired", "integer", ".status.desiredReplicas")]
[PrinterColumn("Utilization", "number", ".status.utilization", Description = "Busy fraction of the fleet's engines over the last window.")]
[PrinterColumn("$/1M tokens", "number", ".status.estimatedCostPerMillionTokens")]
[PrinterColumn("Age", "date", ".metadata.creationTimestamp")]
public sealed class V1Alpha1SlmDeployment : IKubernetesObject<V1ObjectMeta>, ISpec<SlmDeploymentSpec>, IStatus<SlmDeploymentStatus>
{
    /// <summary>The kind, as written in manifests.</summary>
    public const string KindName = "SlmDeployment";

    /// <summary>The plural resource name used in API paths.</summary>
    public const string Plural = "slmdeployments";

    /// <inheritdoc />
    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = ApiGroup.ApiVersion;

    /// <inheritdoc />
    [JsonPropertyName("kind")]
    public string Kind { get; set; } = KindName;

    /// <inheritdoc />
    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    /// <summary>What to serve, on which accelerator, with how many replicas.</summary>
    [Required]
    [JsonPropertyName("spec")]
    public SlmDeploymentSpec Spec { get; set; } = new();

    /// <summary>What the operator observed and decided.</summary>
    [JsonPropertyName("status")]
    public SlmDeploymentStatus Status { get; set; } = new();
}
