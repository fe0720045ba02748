using System.Text.Json.Serialization;
using k8s.Models;
using SlmFleet.Api.Schema;

namespace SlmFleet.Api.V1Alpha1;

/// <summary>Observed state of an SlmDeployment, written only by the operator.</summary>
public sealed class SlmDeploymentStatus
{
    /// <summary><c>Ready</c>, <c>Progressing</c>, <c>Degraded</c>, <c>ModelFits</c>, <c>ScalingLimited</c>.</summary>
    [ListType("map", "type")]
    [JsonPropertyName("conditions")]
    public List<V1Condition>? Conditions { get; set; }

    /// <summary>The metadata.generation this status describes.</summary>
    [JsonPropertyName("observedGeneration")]
    public long? ObservedGeneration { get; set; }

    /// <summary>Worker pods that exist (warming or ready).</summary>
    [JsonPropertyName("replicas")]
    public int? Replicas { get; set; }

    /// <summary>Worker pods that finished warm-up and take traffic.</summary>
    [JsonPropertyName("readyReplicas")]
    public int? ReadyReplicas { get; set; }

    /// <summary>Worker pods started but not yet ready (loading the model or warming up).</summary>
    [JsonPropertyName("warmingReplicas")]
    public int? WarmingReplicas { get; set; }

    /// <summary>Replica count the operator is driving towards.</summary>
    [JsonPropertyName("desiredReplicas")]
    public int? DesiredReplicas { get; set; }

    /// <summary>Label selector of the worker pods, serialized, for the scale subresource (HPA/KEDA).</summary>
    [JsonPropertyName("selector")]
    public string? Selector { get; set; }

    /// <summary>Mean capacity utilization of the ready workers over the last window (0–1): running plus queued requests over batch slots, the figure the autoscaler holds in its band.</summary>
    [JsonPropertyName("utilization")]
    public double? Utilization { get; set; }

    /// <summary>Tokens generated per second across the fleet, as reported by the workers.</summary>
    [JsonPropertyName("tokensPerSecond")]
    public double? TokensPerSecond { get; set; }

    /// <summary>Hourly cost of the ready replicas divided by their measured token throughput, in USD per million tokens.</summary>
    [JsonPropertyName("estimatedCostPerMillionTokens")]
    public double? EstimatedCostPerMillionTokens { get; set; }

    /// <summary>The gRPC endpoint (Service DNS name and port) routers connect to.</summary>
    [JsonPropertyName("endpoint")]
    public string? Endpoint { get; set; }

    /// <summary>When the autoscaler last changed the replica count.</summary>
    [JsonPropertyName("lastScaleTime")]
    public DateTime? LastScaleTime { get; set; }

    /// <summary>Why the autoscaler last changed the replica count, with the numbers it saw.</summary>
    [JsonPropertyName("lastScaleReason")]
    public string? LastScaleReason { get; set; }

    /// <summary>Measured worker warm-ups (pod creation to Ready) and the prediction routers use at a cold start.</summary>
    [JsonPropertyName("warmUp")]
    public WarmUpStatus? WarmUp { get; set; }
}
