namespace SlmFleet.Operator.Autoscaling;

/// <summary>Turns per-pod samples into one fleet utilization, handling missing and stale samples.</summary>
internal static class UtilizationAggregator
{
    /// <summary>
    /// Aggregates the samples of <paramref name="pods"/> as seen at <paramref name="now"/>. A ready pod's
    /// sample is fresh when it has a finite utilization and is at most <paramref name="staleness"/> old;
    /// a sample stamped in the future (clock skew) counts as fresh. Utilization is clamped to 0..1.
    /// Warming pods' samples are ignored: they do not serve yet.
    /// </summary>
    public static FleetUtilization Aggregate(IReadOnlyList<PodSample> pods, DateTimeOffset now, TimeSpan staleness)
    {
        ArgumentNullException.ThrowIfNull(pods);
        var ready = 0;
        var warming = 0;
        var fresh = 0;
        var busy = 0.0;
        var queue = 0;
        foreach (var pod in pods)
        {
            if (pod.Readiness == PodReadiness.Warming)
            {
                warming++;
                continue;
            }

            ready++;
            if (!IsFresh(pod, now, staleness))
            {
                continue;
            }

            fresh++;
            busy += Math.Clamp(pod.Utilization!.Value, 0, 1);
            queue += Math.Max(0, pod.QueueDepth ?? 0);
        }

        double? mean = fresh == 0 ? null : busy / fresh;
        var estimatedBusy = mean is null ? 0 : mean.Value * ready;
        return new FleetUtilization(ready, warming, fresh, ready - fresh, estimatedBusy, mean, queue);
    }

    private static bool IsFresh(PodSample pod, DateTimeOffset now, TimeSpan staleness) =>
        pod.Utilization is { } u && double.IsFinite(u)
        && pod.SampleTime is { } at && now - at <= staleness;
}
