using SlmFleet.Operator.Autoscaling;

namespace SlmFleet.Operator.Tests.Autoscaling;

/// <summary>Builds pod samples and observations for the autoscaling tests.</summary>
internal static class Fleet
{
    public static readonly DateTimeOffset T0 = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

    public static IEnumerable<PodSample> Ready(int count, double utilization, DateTimeOffset at, int queueDepth = 0, string prefix = "ready") =>
        Enumerable.Range(0, count).Select(i => new PodSample($"{prefix}-{i}", PodReadiness.Ready, utilization, queueDepth, at));

    public static IEnumerable<PodSample> Silent(int count, string prefix = "silent") =>
        Enumerable.Range(0, count).Select(i => new PodSample($"{prefix}-{i}", PodReadiness.Ready, null, null, null));

    public static IEnumerable<PodSample> Warming(int count) =>
        Enumerable.Range(0, count).Select(i => new PodSample($"warming-{i}", PodReadiness.Warming, null, null, null));

    public static FleetObservation Observe(DateTimeOffset now, int currentReplicas, IEnumerable<PodSample> pods, DateTimeOffset? lastScale = null) =>
        new(pods.ToList(), currentReplicas, lastScale, now);

    /// <summary>A fleet of <paramref name="ready"/> pods sampled at <paramref name="now"/>, plus warming pods.</summary>
    public static FleetObservation At(DateTimeOffset now, int ready, double utilization, int warming = 0, int queueDepth = 0, DateTimeOffset? lastScale = null) =>
        Observe(now, ready + warming, Ready(ready, utilization, now, queueDepth).Concat(Warming(warming)), lastScale);

    /// <summary>
    /// The default policy, except that utilization scale-ups act at once unless a test sets a window,
    /// and the queue limit is 16 waiting requests per ready pod.
    /// </summary>
    public static AutoscalingPolicy Policy(int min = 1, int max = 50) =>
        new() { MinReplicas = min, MaxReplicas = max, ScaleUpStabilization = TimeSpan.Zero, QueueDepthLimit = 16 };
}
