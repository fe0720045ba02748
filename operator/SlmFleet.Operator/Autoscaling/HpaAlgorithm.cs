namespace SlmFleet.Operator.Autoscaling;

/// <summary>
/// The Kubernetes HPA algorithm as a pure function: the baseline the fleet simulator compares
/// <see cref="AutoscalerDecision"/> with. Follows pkg/controller/podautoscaler (replica_calculator.go
/// and horizontal.go, autoscaling/v2 default behavior) for a utilization metric:
/// <list type="bullet">
/// <item>ratio = mean utilization of ready pods with metrics / target; within the tolerance → no change,
/// else desired = ceil(ratio × ready pods with metrics).</item>
/// <item>Ready pods with missing (here: stale) metrics count as 100 % busy when scaling down and 0 %
/// when scaling up; not-ready (warming) pods count as 0 % when scaling up and are ignored otherwise —
/// HPA's CPU rule. The ratio is then recomputed over all those pods; if that flips the direction or
/// lands in the tolerance, the count stays.</item>
/// <item>Stabilization: the lowest recommendation over the scale-up window and the highest over the
/// scale-down window (300 s) bound the change; then the rate policies (+max(100 %, 4 pods), -100 %
/// per sync) and [min, max].</item>
/// </list>
/// Simplification: HPA also treats pods within the 5-minute CPU initialization period as not ready;
/// here only warming pods are.
/// </summary>
internal static class HpaAlgorithm
{
    private const double Full = 1.0;

    /// <summary>One HPA sync for the fleet.</summary>
    public static HpaDecision Decide(HpaPolicy policy, FleetObservation observation, HpaState state)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(observation);
        ArgumentNullException.ThrowIfNull(state);
        var current = observation.CurrentReplicas;
        var recommended = Recommend(policy, observation) ?? current;
        var now = observation.Now;
        var keep = policy.ScaleDownStabilization > policy.ScaleUpStabilization ? policy.ScaleDownStabilization : policy.ScaleUpStabilization;
        var history = (state.Recommendations.IsDefault ? [] : state.Recommendations)
            .RemoveAll(r => r.Time < now - keep)
            .Add(new ScaleRecommendation(now, recommended));

        var up = history.Where(r => r.Time >= now - policy.ScaleUpStabilization).Min(r => r.Replicas);
        var down = history.Where(r => r.Time >= now - policy.ScaleDownStabilization).Max(r => r.Replicas);
        var stabilized = Math.Min(Math.Max(current, up), down);

        var upLimit = Math.Max((int)Math.Ceiling(current * (1 + (policy.ScaleUpMaxPercent / 100))), current + policy.ScaleUpMaxPods);
        var downLimit = (int)Math.Ceiling(current * (1 - (policy.ScaleDownMaxPercent / 100)));
        var limited = Math.Clamp(stabilized, downLimit, Math.Max(upLimit, downLimit));
        var desired = Math.Clamp(limited, policy.MinReplicas, policy.MaxReplicas);
        return new HpaDecision(desired, recommended, new HpaState(history));
    }

    /// <summary>replica_calculator's GetResourceReplicas; null when no pod has a usable metric.</summary>
    private static int? Recommend(HpaPolicy policy, FleetObservation observation)
    {
        var current = observation.CurrentReplicas;
        var usages = new List<double>();
        var missing = 0;
        var unready = 0;
        foreach (var pod in observation.Pods)
        {
            if (pod.Readiness == PodReadiness.Warming)
            {
                unready++;
            }
            else if (pod.Utilization is { } u && double.IsFinite(u) && pod.SampleTime is { } at && observation.Now - at <= policy.MetricStaleness)
            {
                usages.Add(Math.Clamp(u, 0, Full));
            }
            else
            {
                missing++;
            }
        }

        if (usages.Count == 0)
        {
            return null;
        }

        // HPA works in whole percent (integer division of milli-values), so do we.
        var targetPercent = Math.Round(policy.TargetUtilization * 100);
        var ratio = Percent(usages.Sum(), usages.Count) / targetPercent;
        var scaleUpWithUnready = unready > 0 && ratio > 1.0;
        if (!scaleUpWithUnready && missing == 0)
        {
            return Math.Abs(1.0 - ratio) <= policy.Tolerance ? current : (int)Math.Ceiling(ratio * usages.Count);
        }

        var sum = usages.Sum();
        var count = usages.Count;
        if (missing > 0)
        {
            // Missing pods pull against the direction of change: full when shrinking, idle when growing.
            sum += ratio < 1.0 ? missing * Math.Max(Full, policy.TargetUtilization) : 0;
            count += missing;
        }

        if (scaleUpWithUnready)
        {
            count += unready;
        }

        var newRatio = Percent(sum, count) / targetPercent;
        if (Math.Abs(1.0 - newRatio) <= policy.Tolerance || (ratio < 1.0 && newRatio > 1.0) || (ratio > 1.0 && newRatio < 1.0))
        {
            return current;
        }

        var replicas = (int)Math.Ceiling(newRatio * count);
        return (newRatio < 1.0 && replicas > current) || (newRatio > 1.0 && replicas < current) ? current : replicas;
    }

    private static double Percent(double sum, int count) => Math.Floor((sum * 100 / count) + 1e-9);
}
