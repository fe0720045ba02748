using System.Collections.Immutable;
using System.Globalization;

namespace SlmFleet.Operator.Autoscaling;

/// <summary>
/// The autoscaling decision: a pure function of the policy, the observation and the state it
/// returned last time (no clock, no client, no randomness).
/// <code>
///   utilization ──► above high, or queue over limit ──► size for the resize target; replicas already
///        │                                              asked for (warming, pending) count
///        ├──────► below low (or, consolidating, fewer replicas stay at or below the resize target)
///        │            └─► only with complete metrics, after the scale-down window and sized by the
///        │                busiest minute (mean of its samples) of that window
///        └──────► otherwise hold
///   then clamp to [minReplicas, maxReplicas]
/// </code>
/// Scale from zero: at 0 replicas there are no metrics, so the only signal is a router's recorded
/// demand (<see cref="FleetObservation.DemandAt"/>): demand within the scale-down window takes a fleet
/// at zero to one replica at once, and keeps any fleet from going back to zero.
/// </summary>
internal static class AutoscalerDecision
{
    // Guards ceil() against 7.000000001 and band edges against 0.59999999 after floating-point arithmetic.
    private const double Slack = 1e-9;

    /// <summary>Decides the replica count for one fleet.</summary>
    /// <exception cref="ArgumentException">The policy or observation is invalid; the message names the field.</exception>
    public static ScaleDecision Decide(AutoscalingPolicy policy, FleetObservation observation, AutoscalerState state)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(observation);
        ArgumentNullException.ThrowIfNull(state);
        var errors = policy.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException("invalid autoscaling policy: " + string.Join("; ", errors), nameof(policy));
        }

        if (observation.CurrentReplicas < 0)
        {
            throw new ArgumentException(
                $"currentReplicas is {observation.CurrentReplicas}; it must be 0 or more", nameof(observation));
        }

        var fleet = UtilizationAggregator.Aggregate(observation.Pods, observation.Now, policy.MetricStaleness);
        var recentDemand = observation.DemandAt is { } demandAt && observation.Now - demandAt <= policy.ScaleDownStabilization;
        if (observation.CurrentReplicas == 0 && recentDemand)
        {
            var wake = new ScaleStep(1, ScaleReason.ScaleUpFromZero,
                Invariant($"a router found no ready replica at {observation.DemandAt:yyyy-MM-dd'T'HH:mm:ss'Z'}: 0 -> 1 replicas"),
                state with { AboveBandSince = null, ShrinkCandidateSince = null });
            return Bound(policy, 0, fleet, wake);
        }

        var step = fleet.HasMetrics
            ? DecideOnMetrics(policy, observation, state, fleet)
            : new ScaleStep(observation.CurrentReplicas, ScaleReason.MetricsUnavailable,
                Invariant($"no ready pod has fresh metrics ({fleet.ReadyPods} ready, {fleet.WarmingPods} warming); holding {observation.CurrentReplicas} replicas"),
                state with { AboveBandSince = null, ShrinkCandidateSince = null });
        if (step.Replicas == 0 && recentDemand)
        {
            step = step with
            {
                Replicas = 1,
                Reason = ScaleReason.RecentDemand,
                Message = Invariant($"{step.Message}; kept at 1 replica: a router found no ready replica at {observation.DemandAt:yyyy-MM-dd'T'HH:mm:ss'Z'}, within the {policy.ScaleDownStabilization.TotalSeconds:0}s scale-down window"),
            };
        }

        return Bound(policy, observation.CurrentReplicas, fleet, step);
    }

    private static ScaleStep DecideOnMetrics(AutoscalingPolicy policy, FleetObservation observation, AutoscalerState state, FleetUtilization fleet)
    {
        var now = observation.Now;
        var current = observation.CurrentReplicas;
        var utilization = fleet.Utilization!.Value;
        var history = Prune(state.History, now, policy).Add(new BusySample(now, fleet.EstimatedBusy));
        var facts = Invariant(
            $"utilization {utilization:0.00} (band {policy.TargetLow:0.00}-{policy.TargetHigh:0.00}) over {fleet.ReadyPods} ready pods ({fleet.WarmingPods} warming), {fleet.QueuePerReadyPod:0.#} waiting per pod");

        var queueOverLimit = fleet.QueuePerReadyPod > policy.QueueDepthLimit;
        if (utilization > policy.TargetHigh + Slack || queueOverLimit)
        {
            return ScaleUp(policy, now, current, fleet, facts, new AutoscalerState(state.AboveBandSince ?? now, null, history));
        }

        var shrinkTo = Ceiling(fleet.EstimatedBusy / policy.EffectiveResizeTarget);
        var shrinkCandidate = shrinkTo < current && (utilization < policy.TargetLow - Slack || policy.ConsolidateWithinBand);
        if (!shrinkCandidate)
        {
            return new ScaleStep(current, ScaleReason.WithinBand, Invariant($"{facts}; holding {current} replicas"),
                new AutoscalerState(null, null, history));
        }

        if (!fleet.IsComplete)
        {
            return new ScaleStep(current, ScaleReason.MetricsIncomplete,
                Invariant($"{facts}; {fleet.StalePods} ready pods have missing or stale metrics, so no scale-down"),
                new AutoscalerState(null, null, history));
        }

        return ScaleDown(policy, observation, current, utilization, facts, new AutoscalerState(null, state.ShrinkCandidateSince ?? now, history));
    }

    private static ScaleStep ScaleUp(AutoscalingPolicy policy, DateTimeOffset now, int current, FleetUtilization fleet, string facts, AutoscalerState state)
    {
        var byQueue = fleet.QueuePerReadyPod > policy.QueueDepthLimit ? Ceiling(fleet.EstimatedQueue / policy.QueueDepthLimit) : 0;
        var needed = Math.Max(Ceiling(fleet.EstimatedBusy / policy.EffectiveResizeTarget), byQueue);
        if (needed <= current)
        {
            return new ScaleStep(current, ScaleReason.WaitingForWarmingReplicas,
                Invariant($"{facts}; {needed} replicas needed and {current} already asked for (warming counts), holding"), state);
        }

        // HPA-style: the lowest load over the scale-up window sizes the step, so a noisy sample does not
        // scale up. A queue over its limit is no noise: it acts at once.
        var upCutoff = now - policy.ScaleUpStabilization;
        var busy = state.History.Where(s => s.Time >= upCutoff).Min(s => s.Busy);
        var windowElapsed = now - state.AboveBandSince!.Value >= policy.ScaleUpStabilization;
        var byUtilization = windowElapsed ? Ceiling(busy / policy.EffectiveResizeTarget) : 0;
        var stabilized = Math.Max(byUtilization, byQueue);
        if (stabilized <= current)
        {
            return new ScaleStep(current, ScaleReason.ScaleUpStabilizing,
                Invariant($"{facts}; {needed} replicas needed, waiting for the {policy.ScaleUpStabilization.TotalSeconds:0}s scale-up window"), state);
        }

        var queueDriven = byQueue > byUtilization;
        var reason = queueDriven ? ScaleReason.ScaleUpQueueDepth : ScaleReason.ScaleUpUtilization;
        var why = queueDriven
            ? Invariant($"queue over the limit of {policy.QueueDepthLimit:0.#} per pod")
            : Invariant($"above {policy.TargetHigh:0.00}, {busy:0.0} replicas busy, sizing for {policy.EffectiveResizeTarget:0.00}");
        return new ScaleStep(stabilized, reason, Invariant($"{facts}; {why}: {current} -> {stabilized} replicas"), state);
    }

    private static ScaleStep ScaleDown(AutoscalingPolicy policy, FleetObservation observation, int current, double utilization, string facts, AutoscalerState state)
    {
        var now = observation.Now;
        var window = policy.ScaleDownStabilization;
        var downCutoff = now - window;
        var busiest = BusiestSpan(state.History.Where(s => s.Time >= downCutoff).ToList(), policy.ScaleDownSmoothing);
        var target = policy.EffectiveResizeTarget;
        var shrinkTo = Ceiling(busiest / target);
        var sinceScale = observation.LastScaleTime is { } last ? now - last : TimeSpan.MaxValue;
        if (now - state.ShrinkCandidateSince!.Value < window || sinceScale < window || shrinkTo >= current)
        {
            return new ScaleStep(current, ScaleReason.ScaleDownStabilizing,
                Invariant($"{facts}; fewer replicas would do, waiting for the {window.TotalSeconds:0}s scale-down window"), state);
        }

        var below = utilization < policy.TargetLow - Slack;
        var reason = below ? ScaleReason.ScaleDownUtilization : ScaleReason.ScaleDownConsolidate;
        var why = below
            ? Invariant($"below {policy.TargetLow:0.00} for {window.TotalSeconds:0}s")
            : Invariant($"{shrinkTo} replicas stay at or below {target:0.00} for {window.TotalSeconds:0}s");
        return new ScaleStep(shrinkTo, reason,
            Invariant($"{facts}; {why}, busiest {busiest:0.0} replicas: {current} -> {shrinkTo} replicas"),
            state with { ShrinkCandidateSince = null });
    }

    /// <summary>
    /// The highest mean load over any <paramref name="span"/> of the window's samples (in time order),
    /// each mean over the samples taken within <paramref name="span"/> up to and including one sample.
    /// A span reaching back before the window's first sample averages only what the window holds.
    /// </summary>
    private static double BusiestSpan(List<BusySample> window, TimeSpan span)
    {
        var busiest = 0.0;
        var first = 0;
        var sum = 0.0;
        for (var last = 0; last < window.Count; last++)
        {
            sum += window[last].Busy;
            while (window[last].Time - window[first].Time >= span && first < last)
            {
                sum -= window[first].Busy;
                first++;
            }

            busiest = Math.Max(busiest, sum / (last - first + 1));
        }

        return busiest;
    }

    private static ScaleDecision Bound(AutoscalingPolicy policy, int current, FleetUtilization fleet, ScaleStep step)
    {
        var desired = Math.Clamp(step.Replicas, policy.MinReplicas, policy.MaxReplicas);
        var clamped = step.Replicas > policy.MaxReplicas;
        var reason = step.Reason;
        var message = step.Message;
        if (clamped)
        {
            message = Invariant($"{message}; limited to maxReplicas {policy.MaxReplicas}");
            if (desired < current)
            {
                reason = ScaleReason.AboveMaxReplicas;
            }
        }
        else if (desired > step.Replicas)
        {
            message = Invariant($"{message}; raised to minReplicas {policy.MinReplicas}");
            if (current < policy.MinReplicas)
            {
                reason = ScaleReason.BelowMinReplicas;
            }
        }

        return new ScaleDecision(desired, current, reason, message, clamped, fleet, step.State);
    }

    private static ImmutableArray<BusySample> Prune(ImmutableArray<BusySample> history, DateTimeOffset now, AutoscalingPolicy policy)
    {
        var keep = policy.ScaleUpStabilization > policy.ScaleDownStabilization ? policy.ScaleUpStabilization : policy.ScaleDownStabilization;
        var cutoff = now - keep;
        return history.IsDefault ? [] : history.RemoveAll(s => s.Time < cutoff);
    }

    private static int Ceiling(double replicas) =>
        replicas <= 0 ? 0 : (int)Math.Min(int.MaxValue, Math.Ceiling(replicas - Slack));

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
