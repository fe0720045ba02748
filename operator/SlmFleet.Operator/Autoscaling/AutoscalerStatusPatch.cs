using System.Globalization;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using SlmFleet.Api.V1Alpha1;
using SlmFleet.Operator.SlmDeployments;

namespace SlmFleet.Operator.Autoscaling;

/// <summary>
/// Builds the status merge patch of the fields the autoscaler owns: desiredReplicas, utilization,
/// tokensPerSecond, estimatedCostPerMillionTokens, lastScaleTime, lastScaleReason, warmUp and the
/// <c>ScalingLimited</c> condition. Only changed fields are in the patch, so the reconciler's fields
/// are never touched. Conditions are a list (a merge patch replaces it whole), so a patch that
/// carries them also carries metadata.resourceVersion: a concurrent status write answers 409 instead
/// of being overwritten. Pure.
/// </summary>
internal static class AutoscalerStatusPatch
{
    /// <summary>The patch, or null when the status already says all of it.</summary>
    /// <param name="resource">The SlmDeployment as last read (its status and resourceVersion).</param>
    /// <param name="decision">This pass's decision.</param>
    /// <param name="reading">This pass's fleet reading.</param>
    /// <param name="costPerMillionTokens">Cost from the measured throughput; null to leave it.</param>
    /// <param name="scaledAt">When the replica count was just changed; null when it was not.</param>
    /// <param name="now">This pass's time: the lastTransitionTime of a changed condition.</param>
    /// <param name="warmUp">New warm-up measurements (<see cref="WarmUpMeter"/>); null when no pod became ready since the last.</param>
    public static JsonObject? Build(
        V1Alpha1SlmDeployment resource, ScaleDecision decision, FleetReading reading, double? costPerMillionTokens, DateTimeOffset? scaledAt, DateTimeOffset now, WarmUpStatus? warmUp = null)
    {
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentNullException.ThrowIfNull(decision);
        ArgumentNullException.ThrowIfNull(reading);
        var previous = resource.Status ?? new SlmDeploymentStatus();
        var status = new JsonObject();
        if (previous.DesiredReplicas != decision.DesiredReplicas)
        {
            status["desiredReplicas"] = decision.DesiredReplicas;
        }

        if (decision.Utilization.Utilization is { } utilization && previous.Utilization != Math.Round(utilization, 2))
        {
            status["utilization"] = Math.Round(utilization, 2);
        }

        if (reading.TokensPerSecond is { } tokens && previous.TokensPerSecond != Math.Round(tokens, 1))
        {
            status["tokensPerSecond"] = Math.Round(tokens, 1);
        }

        if (costPerMillionTokens is { } cost && previous.EstimatedCostPerMillionTokens != cost)
        {
            status["estimatedCostPerMillionTokens"] = cost;
        }

        if (scaledAt is { } at)
        {
            status["lastScaleTime"] = Timestamp(at);
            status["lastScaleReason"] = Describe(decision);
        }

        if (warmUp is not null)
        {
            status["warmUp"] = JsonNode.Parse(KubernetesJson.Serialize(warmUp));
        }

        var conditions = ScalingLimited(resource, decision, now);
        if (conditions is not null)
        {
            status["conditions"] = conditions;
        }

        if (status.Count == 0)
        {
            return null;
        }

        var patch = new JsonObject { ["status"] = status };
        if (conditions is not null)
        {
            patch["metadata"] = new JsonObject { ["resourceVersion"] = resource.Metadata.ResourceVersion };
        }

        return patch;
    }

    /// <summary>The new condition list when ScalingLimited must change, else null.</summary>
    /// <remarks>
    /// True with <see cref="AutoscalerEvents.MaxReplicasReached"/> while the decision is clamped by
    /// maxReplicas; back to False only when the autoscaler set it (a True the reconciler set for
    /// spec.replicas outside [min, max] is the reconciler's to clear).
    /// </remarks>
    private static JsonArray? ScalingLimited(V1Alpha1SlmDeployment resource, ScaleDecision decision, DateTimeOffset now)
    {
        var spec = resource.Spec;
        var existing = resource.Status?.Conditions ?? [];
        var current = existing.FirstOrDefault(c => c.Type == ConditionTypes.ScalingLimited);
        V1Condition next;
        if (decision.Clamped)
        {
            next = new V1Condition
            {
                Type = ConditionTypes.ScalingLimited,
                Status = ConditionSet.True,
                Reason = AutoscalerEvents.MaxReplicasReached,
                Message = "The metrics call for more replicas than spec.maxReplicas allows: " + decision.Message + ".",
            };
        }
        else if (current is { Status: ConditionSet.True, Reason: AutoscalerEvents.MaxReplicasReached })
        {
            next = new V1Condition
            {
                Type = ConditionTypes.ScalingLimited,
                Status = ConditionSet.False,
                Reason = ConditionReasons.WithinLimits,
                Message = string.Create(CultureInfo.InvariantCulture, $"Replicas within [{spec.MinReplicas}, {spec.MaxReplicas}]."),
            };
        }
        else
        {
            return null;
        }

        if (current is not null && current.Status == next.Status && current.Reason == next.Reason && current.Message == next.Message)
        {
            return null;
        }

        next.ObservedGeneration = resource.Metadata.Generation;
        next.LastTransitionTime = current is not null && current.Status == next.Status
            ? current.LastTransitionTime
            : DateTime.Parse(Timestamp(now), CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
        var list = existing.Where(c => c.Type != ConditionTypes.ScalingLimited).Append(next);
        return JsonNode.Parse(KubernetesJson.Serialize(list.ToList()))!.AsArray();
    }

    /// <summary>The change with its reason and the numbers behind it: lastScaleReason and the Event message.</summary>
    public static string Describe(ScaleDecision decision)
    {
        ArgumentNullException.ThrowIfNull(decision);
        return string.Create(CultureInfo.InvariantCulture, $"{decision.CurrentReplicas} -> {decision.DesiredReplicas} replicas ({decision.Reason}): {decision.Message}");
    }

    /// <summary>RFC 3339 in whole seconds, as the API server stores timestamps.</summary>
    public static string Timestamp(DateTimeOffset at) =>
        at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
