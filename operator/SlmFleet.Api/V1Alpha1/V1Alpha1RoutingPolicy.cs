using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using k8s;
using k8s.Models;
using SlmFleet.Api.Schema;

namespace SlmFleet.Api.V1Alpha1;

/// <summary>
/// How requests for one model alias are routed: to the SlmDeployment first, escalating to an
/// OpenAI-compatible LLM on low confidence, schema failure, timeout or an unavailable fleet, with
/// shadow comparison and a monthly budget for the LLM side.
/// </summary>
[KubernetesEntity(Group = ApiGroup.Group, ApiVersion = ApiGroup.Version, Kind = KindName, PluralName = Plural)]
[CustomResource(Singular = "routingpolicy", ShortNames = ["rp"], Categories = ["slmfleet"])]
[PrinterColumn("Alias", "string", ".spec.modelAlias")]
[PrinterColumn("SLM", "string", ".spec.slm.deploymentRef.name")]
[PrinterColumn("LLM", "string", ".spec.llm.model")]
[PrinterColumn("Escalation", "number", ".status.escalationRate", Description = "Fraction of requests escalated to the LLM this month.")]
[PrinterColumn("Spend $", "number", ".status.spendThisMonthUsd")]
[PrinterColumn("Threshold", "number", ".status.effectiveThreshold", Description = "Confidence threshold in force (configured or calibrated, after the budget curve).")]
[PrinterColumn("Recommended", "number", ".status.calibration.recommendedThreshold", Description = "Threshold recommended by calibration from shadow traffic.")]
[PrinterColumn("Age", "date", ".metadata.creationTimestamp")]
public sealed class V1Alpha1RoutingPolicy : IKubernetesObject<V1ObjectMeta>, ISpec<RoutingPolicySpec>, IStatus<RoutingPolicyStatus>
{
    /// <summary>The kind, as written in manifests.</summary>
    public const string KindName = "RoutingPolicy";

    /// <summary>The plural resource name used in API paths.</summary>
    public const string Plural = "routingpolicies";

    /// <inheritdoc />
    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = ApiGroup.ApiVersion;

    /// <inheritdoc />
    [JsonPropertyName("kind")]
    public string Kind { get; set; } = KindName;

    /// <inheritdoc />
    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    /// <summary>Routing rules, escalation, shadow mode and budget.</summary>
    [Required]
    [JsonPropertyName("spec")]
    public RoutingPolicySpec Spec { get; set; } = new();

    /// <summary>Traffic, escalation and spend as reported by the routers.</summary>
    [JsonPropertyName("status")]
    public RoutingPolicyStatus Status { get; set; } = new();
}
