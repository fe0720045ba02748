using k8s.Models;
using SlmFleet.Api.ColdStart;
using SlmFleet.Api.V1Alpha1;

namespace SlmFleet.Operator.Autoscaling;

/// <summary>
/// Measures worker warm-ups from the pods themselves: creation to the <c>Ready</c> condition's
/// transition, so scheduling (a GPU node being provisioned included), image pull, model load and the
/// warm-up prompts all count, as they do for a request waiting at a cold start. Pure.
/// <list type="bullet">
/// <item>a pod is measured once: only pods that became ready after <c>status.warmUp.lastReadyTime</c>
///   count, so an operator restart that re-lists them adds nothing;</item>
/// <item>a pod whose containers restarted is skipped: its Ready time measures a crash loop, not a start
///   (a readiness flap without a restart cannot be told apart; the 90th percentile absorbs a rare one);</item>
/// <item>the last <see cref="Kept"/> measurements are kept in status and
///   <see cref="ColdStartPlanner.Predict"/> turns them into the prediction routers read.</item>
/// </list>
/// </summary>
internal static class WarmUpMeter
{
    /// <summary>Measurements kept in <c>status.warmUp.recentSeconds</c>.</summary>
    public const int Kept = 10;

    /// <summary>The new warm-up status, or null when no pod became ready since the last measurement.</summary>
    public static WarmUpStatus? Measure(IEnumerable<V1Pod> pods, WarmUpStatus? previous)
    {
        ArgumentNullException.ThrowIfNull(pods);
        var since = previous?.LastReadyTime is { } last ? DateTime.SpecifyKind(last, DateTimeKind.Utc) : DateTime.MinValue;
        var fresh = new List<(DateTime Ready, double Seconds)>();
        foreach (var pod in pods)
        {
            if (!FleetReader.IsCapacity(pod) || pod.Metadata.CreationTimestamp is not { } created
                || pod.Status?.Conditions?.FirstOrDefault(c => c.Type == "Ready" && c.Status == "True")?.LastTransitionTime is not { } readyAt
                || pod.Status.ContainerStatuses?.Any(c => c.RestartCount > 0) == true)
            {
                continue;
            }

            var ready = DateTime.SpecifyKind(readyAt, DateTimeKind.Utc);
            var seconds = (ready - DateTime.SpecifyKind(created, DateTimeKind.Utc)).TotalSeconds;
            if (ready > since && seconds >= 0)
            {
                fresh.Add((ready, seconds));
            }
        }

        if (fresh.Count == 0)
        {
            return null;
        }

        fresh.Sort((a, b) => a.Ready.CompareTo(b.Ready));
        var recent = (previous?.RecentSeconds ?? []).Concat(fresh.Select(f => Math.Round(f.Seconds, 1))).TakeLast(Kept).ToList();
        return new WarmUpStatus
        {
            PredictedSeconds = ColdStartPlanner.Predict(recent),
            LastSeconds = recent[^1],
            RecentSeconds = recent,
            Samples = (previous?.Samples ?? 0) + fresh.Count,
            LastReadyTime = fresh[^1].Ready,
        };
    }
}
