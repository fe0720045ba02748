using SlmFleet.Api.V1Alpha1;

namespace SlmFleet.Operator.Autoscaling;

/// <summary>Maps an SlmDeployment spec onto the decision's <see cref="AutoscalingPolicy"/>. Pure.</summary>
internal static class AutoscalingPolicyMapper
{
    /// <summary>
    /// The policy for <paramref name="spec"/>; null when autoscaling is switched off
    /// (<c>spec.autoscaling.enabled: false</c>). No <c>spec.autoscaling</c> block means the defaults, enabled.
    /// </summary>
    public static AutoscalingPolicy? For(SlmDeploymentSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var autoscaling = spec.Autoscaling ?? new AutoscalingSpec();
        if (!autoscaling.Enabled)
        {
            return null;
        }

        var low = autoscaling.TargetUtilizationLow;
        var high = autoscaling.TargetUtilizationHigh;
        return new AutoscalingPolicy
        {
            MinReplicas = spec.MinReplicas,
            MaxReplicas = spec.MaxReplicas,
            TargetLow = low,
            TargetHigh = high,
            ScaleUpStabilization = TimeSpan.FromSeconds(autoscaling.ScaleUpStabilizationSeconds),
            ScaleDownStabilization = TimeSpan.FromSeconds(autoscaling.ScaleDownStabilizationSeconds),
            QueueDepthLimit = autoscaling.QueueDepthPerReplicaHigh,
        };
    }
}
