using k8s.Models;

namespace SlmFleet.Operator.Autoscaling;

/// <summary>
/// Turns worker pods and their last stats into a <see cref="FleetReading"/>. Pure: the pods, samples
/// and clock reading are passed in.
/// <list type="bullet">
/// <item>terminating pods and pods that ended (Succeeded/Failed) are not capacity and are skipped;</item>
/// <item>a pod with the <c>Ready=True</c> condition is ready, any other is warming (capacity on its way);</item>
/// <item>a ready pod without a sample gets a missing one; an old sample stays as it is and the decision
///   treats it as stale after the policy's staleness — either way it never allows a scale-down.</item>
/// </list>
/// </summary>
internal static class FleetReader
{
    public static FleetReading Read(
        IReadOnlyList<V1Pod> pods,
        IReadOnlyDictionary<string, WorkerSample> samples,
        int currentReplicas,
        DateTimeOffset? lastScaleTime,
        DateTimeOffset now,
        TimeSpan warmupTimeout,
        TimeSpan staleness,
        DateTimeOffset? demandAt = null)
    {
        ArgumentNullException.ThrowIfNull(pods);
        ArgumentNullException.ThrowIfNull(samples);
        var podSamples = new List<PodSample>();
        var ready = 0;
        var warming = 0;
        var overdue = 0;
        double? tokens = null;
        foreach (var pod in pods.Where(IsCapacity).OrderBy(p => p.Metadata.Name, StringComparer.Ordinal))
        {
            var name = pod.Metadata.Name;
            if (!IsReady(pod))
            {
                warming++;
                if (Started(pod) is { } started && now - started > warmupTimeout)
                {
                    overdue++;
                }

                podSamples.Add(new PodSample(name, PodReadiness.Warming, null, null, null));
                continue;
            }

            ready++;
            if (samples.TryGetValue(name, out var sample))
            {
                podSamples.Add(new PodSample(name, PodReadiness.Ready, sample.Stats.Utilization, sample.Stats.QueueDepth, sample.Time));
                if (now - sample.Time <= staleness)
                {
                    tokens = (tokens ?? 0) + sample.Stats.TokensPerSecond;
                }
            }
            else
            {
                podSamples.Add(new PodSample(name, PodReadiness.Ready, null, null, null));
            }
        }

        var observation = new FleetObservation(podSamples, currentReplicas, lastScaleTime, now, demandAt);
        return new FleetReading(observation, ready, warming, overdue, tokens);
    }

    /// <summary>True for a pod that serves or will serve: not terminating and not ended.</summary>
    public static bool IsCapacity(V1Pod pod)
    {
        ArgumentNullException.ThrowIfNull(pod);
        var phase = pod.Status?.Phase;
        return pod.Metadata?.DeletionTimestamp is null && phase is not ("Succeeded" or "Failed");
    }

    /// <summary>True when the pod's <c>Ready</c> condition is <c>True</c> (it passed its readiness probe: warm).</summary>
    public static bool IsReady(V1Pod pod)
    {
        ArgumentNullException.ThrowIfNull(pod);
        return pod.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true;
    }

    /// <summary>When the pod started: status.startTime (kubelet), else its creation.</summary>
    private static DateTimeOffset? Started(V1Pod pod)
    {
        var at = pod.Status?.StartTime ?? pod.Metadata.CreationTimestamp;
        return at is { } value ? new DateTimeOffset(DateTime.SpecifyKind(value, DateTimeKind.Utc)) : null;
    }
}
