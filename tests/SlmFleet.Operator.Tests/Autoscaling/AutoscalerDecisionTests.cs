using FluentAssertions;
using NUnit.Framework;
using SlmFleet.Operator.Autoscaling;

namespace SlmFleet.Operator.Tests.Autoscaling;

[TestFixture]
public sealed class AutoscalerDecisionTests
{
    private static readonly DateTimeOffset T0 = Fleet.T0;
    private static readonly TimeSpan Sync = TimeSpan.FromSeconds(15);

    [TestCase(0.60)]
    [TestCase(0.70)]
    [TestCase(0.80)]
    public void Decide_UtilizationInsideBand_HoldsReplicas(double utilization)
    {
        var policy = Fleet.Policy() with { ConsolidateWithinBand = false };

        var decision = AutoscalerDecision.Decide(policy, Fleet.At(T0, 10, utilization), AutoscalerState.Empty);

        decision.DesiredReplicas.Should().Be(10);
        decision.Reason.Should().Be(ScaleReason.WithinBand);
        decision.Changes.Should().BeFalse();
    }

    [Test]
    public void Decide_AboveHighMark_SizesForResizeTarget()
    {
        // 10 pods at 0.91 = 9.1 busy replicas; 9.1 / 0.76 = 12 (11.97).
        var decision = AutoscalerDecision.Decide(Fleet.Policy(), Fleet.At(T0, 10, 0.91), AutoscalerState.Empty);

        decision.DesiredReplicas.Should().Be(12);
        decision.Reason.Should().Be(ScaleReason.ScaleUpUtilization);
        decision.Clamped.Should().BeFalse();
        decision.Message.Should().Contain("0.91").And.Contain("sizing for 0.76").And.Contain("10 -> 12");
    }

    [Test]
    public void Decide_AboveHighMarkWithEnoughWarmingReplicas_DoesNotScaleAgain()
    {
        var first = AutoscalerDecision.Decide(Fleet.Policy(), Fleet.At(T0, 10, 0.91), AutoscalerState.Empty);

        // The 2 new pods warm up for minutes while the 10 ready ones stay hot.
        var state = first.State;
        for (var t = 1; t <= 12; t++)
        {
            var decision = AutoscalerDecision.Decide(Fleet.Policy(), Fleet.At(T0 + (t * Sync), 10, 0.91, warming: 2, lastScale: T0), state);
            decision.DesiredReplicas.Should().Be(12, $"sync {t} happens during warm-up");
            decision.Reason.Should().Be(ScaleReason.WaitingForWarmingReplicas);
            state = decision.State;
        }
    }

    [Test]
    public void Decide_AboveHighMarkWithPartlyCoveringWarmingReplicas_AddsOnlyTheRest()
    {
        var decision = AutoscalerDecision.Decide(Fleet.Policy(), Fleet.At(T0, 10, 0.91, warming: 1), AutoscalerState.Empty);

        decision.DesiredReplicas.Should().Be(12);
        decision.CurrentReplicas.Should().Be(11);
    }

    [Test]
    public void Decide_PendingReplicasNotYetReported_CountAsCapacityOnItsWay()
    {
        // 12 asked for, only the 10 ready pods exist so far.
        var observation = Fleet.Observe(T0, 12, Fleet.Ready(10, 0.91, T0));

        var decision = AutoscalerDecision.Decide(Fleet.Policy(), observation, AutoscalerState.Empty);

        decision.DesiredReplicas.Should().Be(12);
        decision.Reason.Should().Be(ScaleReason.WaitingForWarmingReplicas);
    }

    [Test]
    public void Decide_BelowLowMarkShorterThanWindow_HoldsReplicas()
    {
        var state = AutoscalerState.Empty;
        ScaleDecision? decision = null;
        for (var t = TimeSpan.Zero; t < TimeSpan.FromMinutes(5); t += Sync)
        {
            decision = AutoscalerDecision.Decide(Fleet.Policy(), Fleet.At(T0 + t, 10, 0.30), state);
            state = decision.State;
        }

        decision!.DesiredReplicas.Should().Be(10);
        decision.Reason.Should().Be(ScaleReason.ScaleDownStabilizing);
    }

    [Test]
    public void Decide_BelowLowMarkForWholeWindow_ScalesDownToResizeTarget()
    {
        var decision = RunFor(Fleet.Policy(), TimeSpan.FromMinutes(5), _ => (10, 0.30));

        // 3 busy replicas / 0.76 = 4 (3.9).
        decision.DesiredReplicas.Should().Be(4);
        decision.Reason.Should().Be(ScaleReason.ScaleDownUtilization);
        decision.Message.Should().Contain("10 -> 4");
    }

    [Test]
    public void Decide_BelowLowMarkInterruptedByBandVisit_RestartsWindow()
    {
        var policy = Fleet.Policy() with { ConsolidateWithinBand = false };

        // 4 min below, one sync in band, then 4 more min below: never 5 min in a row.
        var decision = RunFor(policy, TimeSpan.FromMinutes(8) + Sync, t => (10, t == TimeSpan.FromMinutes(4) ? 0.70 : 0.30));

        decision.DesiredReplicas.Should().Be(10);
        decision.Reason.Should().Be(ScaleReason.ScaleDownStabilizing);
    }

    [Test]
    public void Decide_ScaleDown_SizedByBusiestMinuteOfWindow()
    {
        // Busy 5.0 for the minute from 1:00 to 2:00, 3.0 otherwise: shrink only to ceil(5.0 / 0.76) = 7.
        var decision = RunFor(Fleet.Policy(), TimeSpan.FromMinutes(5),
            t => (10, t >= TimeSpan.FromMinutes(1) && t < TimeSpan.FromMinutes(2) ? 0.50 : 0.30));

        decision.DesiredReplicas.Should().Be(7);
        decision.Message.Should().Contain("busiest 5.0 replicas");
    }

    [Test]
    public void Decide_ScaleDown_OneBusySampleCountsForItsShareOfTheMinute()
    {
        // One 15 s sample at 5.5 busy among samples at 3.0: its minute averages (5.5 + 3 + 3 + 3) / 4 = 3.6,
        // so the fleet shrinks to ceil(3.625 / 0.76) = 5; sized by that one sample it would keep 8.
        var decision = RunFor(Fleet.Policy(), TimeSpan.FromMinutes(5), t => (10, t == TimeSpan.FromMinutes(3) ? 0.55 : 0.30));

        decision.DesiredReplicas.Should().Be(5);
        decision.Message.Should().Contain("busiest 3.6 replicas");
    }

    [Test]
    public void Decide_ScaleDownWithoutSmoothing_SizedByBusiestSample()
    {
        var policy = Fleet.Policy() with { ScaleDownSmoothing = TimeSpan.Zero };

        // HPA's rule: the one sample at 5.5 sizes the step, ceil(5.5 / 0.76) = 8.
        var decision = RunFor(policy, TimeSpan.FromMinutes(5), t => (10, t == TimeSpan.FromMinutes(3) ? 0.55 : 0.30));

        decision.DesiredReplicas.Should().Be(8);
    }

    [Test]
    public void Decide_SoonAfterLastScale_DoesNotScaleDown()
    {
        var lastScale = T0 + TimeSpan.FromMinutes(3);
        var state = AutoscalerState.Empty;
        ScaleDecision? decision = null;
        for (var t = TimeSpan.Zero; t <= TimeSpan.FromMinutes(6); t += Sync)
        {
            decision = AutoscalerDecision.Decide(Fleet.Policy(), Fleet.At(T0 + t, 10, 0.30, lastScale: lastScale), state);
            state = decision.State;
        }

        decision!.DesiredReplicas.Should().Be(10);
        decision.Reason.Should().Be(ScaleReason.ScaleDownStabilizing);
    }

    [Test]
    public void Decide_InBandWithConsolidation_RemovesReplicasAfterWindow()
    {
        // 10 pods at 0.62 = 6.2 busy; 9 pods would run at 0.69 <= 0.75.
        var decision = RunFor(Fleet.Policy(), TimeSpan.FromMinutes(5), _ => (10, 0.62));

        decision.DesiredReplicas.Should().Be(9);
        decision.Reason.Should().Be(ScaleReason.ScaleDownConsolidate);
    }

    [Test]
    public void Decide_InBandWithoutConsolidation_Holds()
    {
        var policy = Fleet.Policy() with { ConsolidateWithinBand = false };

        var decision = RunFor(policy, TimeSpan.FromMinutes(10), _ => (10, 0.62));

        decision.DesiredReplicas.Should().Be(10);
        decision.Reason.Should().Be(ScaleReason.WithinBand);
    }

    [Test]
    public void Decide_IdleFleet_NeverBelowMinReplicas()
    {
        var decision = RunFor(Fleet.Policy(min: 3), TimeSpan.FromMinutes(5), _ => (10, 0.0));

        decision.DesiredReplicas.Should().Be(3);
    }

    [Test]
    public void Decide_CurrentBelowMinReplicas_RaisesToMin()
    {
        var decision = AutoscalerDecision.Decide(Fleet.Policy(min: 4), Fleet.At(T0, 2, 0.70), AutoscalerState.Empty);

        decision.DesiredReplicas.Should().Be(4);
        decision.Reason.Should().Be(ScaleReason.BelowMinReplicas);
    }

    [Test]
    public void Decide_NeedAboveMaxReplicas_ClampsAndFlagsClamped()
    {
        var decision = AutoscalerDecision.Decide(Fleet.Policy(max: 12), Fleet.At(T0, 10, 0.95), AutoscalerState.Empty);

        decision.DesiredReplicas.Should().Be(12);
        decision.Clamped.Should().BeTrue();
        decision.Reason.Should().Be(ScaleReason.ScaleUpUtilization);
        decision.Message.Should().Contain("maxReplicas 12");
    }

    [Test]
    public void Decide_CurrentAboveMaxReplicas_LowersToMax()
    {
        var decision = AutoscalerDecision.Decide(Fleet.Policy(max: 8), Fleet.At(T0, 10, 0.70), AutoscalerState.Empty);

        decision.DesiredReplicas.Should().Be(8);
        decision.Reason.Should().Be(ScaleReason.AboveMaxReplicas);
    }

    [Test]
    public void Decide_NoMetricsAtAll_HoldsReplicas()
    {
        var observation = Fleet.Observe(T0, 6, Fleet.Silent(6));

        var decision = AutoscalerDecision.Decide(Fleet.Policy(), observation, AutoscalerState.Empty);

        decision.DesiredReplicas.Should().Be(6);
        decision.Reason.Should().Be(ScaleReason.MetricsUnavailable);
    }

    [Test]
    public void Decide_AllSamplesStaleAndLow_NeverScalesDown()
    {
        var state = AutoscalerState.Empty;
        ScaleDecision? decision = null;
        for (var t = TimeSpan.Zero; t <= TimeSpan.FromMinutes(10); t += Sync)
        {
            // The pods last reported 0.1 utilization long ago (e.g. the metrics path is down).
            var observation = Fleet.Observe(T0 + t, 10, Fleet.Ready(10, 0.10, T0 - TimeSpan.FromMinutes(5)));
            decision = AutoscalerDecision.Decide(Fleet.Policy(), observation, state);
            state = decision.State;
        }

        decision!.DesiredReplicas.Should().Be(10);
        decision.Reason.Should().Be(ScaleReason.MetricsUnavailable);
    }

    [Test]
    public void Decide_SomePodsStaleAndFleetLow_DoesNotScaleDown()
    {
        var state = AutoscalerState.Empty;
        ScaleDecision? decision = null;
        for (var t = TimeSpan.Zero; t <= TimeSpan.FromMinutes(10); t += Sync)
        {
            var observation = Fleet.Observe(T0 + t, 10, Fleet.Ready(8, 0.20, T0 + t).Concat(Fleet.Silent(2)));
            decision = AutoscalerDecision.Decide(Fleet.Policy(), observation, state);
            state = decision.State;
        }

        decision!.DesiredReplicas.Should().Be(10);
        decision.Reason.Should().Be(ScaleReason.MetricsIncomplete);
    }

    [Test]
    public void Decide_StaleMetricsDuringScaleDownWindow_RestartWindow()
    {
        var state = AutoscalerState.Empty;
        ScaleDecision? decision = null;
        for (var t = TimeSpan.Zero; t <= TimeSpan.FromMinutes(7); t += Sync)
        {
            // One pod misses its reads at minute 3; the window must start again after that.
            var silent = t == TimeSpan.FromMinutes(3) ? 1 : 0;
            var observation = Fleet.Observe(T0 + t, 10, Fleet.Ready(10 - silent, 0.30, T0 + t).Concat(Fleet.Silent(silent)));
            decision = AutoscalerDecision.Decide(Fleet.Policy(), observation, state);
            state = decision.State;
        }

        decision!.DesiredReplicas.Should().Be(10);
        decision.Reason.Should().Be(ScaleReason.ScaleDownStabilizing);
    }

    [Test]
    public void Decide_StalePodsWhileHot_CountAsBusyNotIdle()
    {
        // 5 fresh pods at 0.91 and 5 silent ones: counted as zero the fleet would look 0.45 busy.
        var observation = Fleet.Observe(T0, 10, Fleet.Ready(5, 0.91, T0).Concat(Fleet.Silent(5)));

        var decision = AutoscalerDecision.Decide(Fleet.Policy(), observation, AutoscalerState.Empty);

        decision.DesiredReplicas.Should().Be(12);
        decision.Reason.Should().Be(ScaleReason.ScaleUpUtilization);
    }

    [Test]
    public void Decide_QueueOverLimitWhileUtilizationLags_ScalesUp()
    {
        // Utilization (windowed) still reads 0.5, but 100 requests wait at each of 4 pods.
        var decision = AutoscalerDecision.Decide(Fleet.Policy(), Fleet.At(T0, 4, 0.50, queueDepth: 100), AutoscalerState.Empty);

        // 400 waiting / 16 per pod = 25.
        decision.DesiredReplicas.Should().Be(25);
        decision.Reason.Should().Be(ScaleReason.ScaleUpQueueDepth);
    }

    [Test]
    public void Decide_QueueAtLimit_DoesNotScaleUp()
    {
        var policy = Fleet.Policy() with { ConsolidateWithinBand = false };

        var decision = AutoscalerDecision.Decide(policy, Fleet.At(T0, 4, 0.70, queueDepth: 16), AutoscalerState.Empty);

        decision.DesiredReplicas.Should().Be(4);
        decision.Reason.Should().Be(ScaleReason.WithinBand);
    }

    [Test]
    public void Decide_QueueOverLimitWithWarmingCapacity_WaitsForWarmingReplicas()
    {
        var decision = AutoscalerDecision.Decide(Fleet.Policy(), Fleet.At(T0, 4, 0.90, warming: 30, queueDepth: 100), AutoscalerState.Empty);

        decision.DesiredReplicas.Should().Be(34);
        decision.Reason.Should().Be(ScaleReason.WaitingForWarmingReplicas);
    }

    [Test]
    public void Decide_AboveHighShorterThanScaleUpWindow_Waits()
    {
        var policy = Fleet.Policy() with { ScaleUpStabilization = TimeSpan.FromSeconds(60) };

        var decision = RunFor(policy, TimeSpan.FromSeconds(45), _ => (10, 0.91));

        decision.DesiredReplicas.Should().Be(10);
        decision.Reason.Should().Be(ScaleReason.ScaleUpStabilizing);
    }

    [Test]
    public void Decide_AboveHighForScaleUpWindow_SizesByLowestLoadInWindow()
    {
        var policy = Fleet.Policy() with { ScaleUpStabilization = TimeSpan.FromSeconds(60) };

        // 9.1 busy at first, 9.9 since: the step is sized on 9.1 -> 12, not 9.9 -> 14.
        var decision = RunFor(policy, TimeSpan.FromSeconds(60), t => (10, t == TimeSpan.Zero ? 0.91 : 0.99));

        decision.DesiredReplicas.Should().Be(12);
        decision.Reason.Should().Be(ScaleReason.ScaleUpUtilization);
    }

    [Test]
    public void Decide_DefaultPolicy_ScalesUpAfter30SecondsAboveHighMark()
    {
        var policy = new AutoscalingPolicy { MinReplicas = 1, MaxReplicas = 50 };

        var first = AutoscalerDecision.Decide(policy, Fleet.At(T0, 10, 0.91), AutoscalerState.Empty);
        var second = AutoscalerDecision.Decide(policy, Fleet.At(T0 + TimeSpan.FromSeconds(30), 10, 0.91), first.State);

        first.Reason.Should().Be(ScaleReason.ScaleUpStabilizing);
        first.DesiredReplicas.Should().Be(10);
        second.Reason.Should().Be(ScaleReason.ScaleUpUtilization);
        second.DesiredReplicas.Should().Be(12);
    }

    [Test]
    public void Decide_QueueOverLimitInsideScaleUpWindow_ScalesAtOnce()
    {
        var policy = Fleet.Policy() with { ScaleUpStabilization = TimeSpan.FromMinutes(5) };

        var decision = AutoscalerDecision.Decide(policy, Fleet.At(T0, 4, 0.95, queueDepth: 100), AutoscalerState.Empty);

        decision.DesiredReplicas.Should().Be(25);
        decision.Reason.Should().Be(ScaleReason.ScaleUpQueueDepth);
    }

    [Test]
    public void Decide_BlipAboveHighShorterThanScaleUpWindow_ResetsWindow()
    {
        var policy = Fleet.Policy() with { ScaleUpStabilization = TimeSpan.FromSeconds(60), ConsolidateWithinBand = false };

        var decision = RunFor(policy, TimeSpan.FromSeconds(90), t => (10, t == TimeSpan.FromSeconds(30) ? 0.70 : 0.91));

        decision.DesiredReplicas.Should().Be(10);
        decision.Reason.Should().Be(ScaleReason.ScaleUpStabilizing);
    }

    [Test]
    public void Decide_StateHistory_KeepsOnlyStabilizationWindow()
    {
        var decision = RunFor(Fleet.Policy(), TimeSpan.FromMinutes(30), _ => (10, 0.70));

        decision.State.History.Should().OnlyContain(s => s.Time >= T0 + TimeSpan.FromMinutes(25));
    }

    [Test]
    public void Decide_InvalidPolicy_ThrowsNamingFieldAndValue()
    {
        var policy = Fleet.Policy() with { TargetLow = 0.9, TargetHigh = 0.8 };

        var act = () => AutoscalerDecision.Decide(policy, Fleet.At(T0, 2, 0.5), AutoscalerState.Empty);

        act.Should().Throw<ArgumentException>().WithMessage("*targetHigh is 0.8*above targetLow (0.9)*");
    }

    [Test]
    public void Decide_NegativeCurrentReplicas_ThrowsNamingField()
    {
        var act = () => AutoscalerDecision.Decide(Fleet.Policy(), Fleet.Observe(T0, -1, []), AutoscalerState.Empty);

        act.Should().Throw<ArgumentException>().WithMessage("*currentReplicas is -1*");
    }

    [Test]
    public void Decide_SameInputs_SameDecision()
    {
        var observation = Fleet.At(T0, 7, 0.93, warming: 1, queueDepth: 3);

        var a = AutoscalerDecision.Decide(Fleet.Policy(), observation, AutoscalerState.Empty);
        var b = AutoscalerDecision.Decide(Fleet.Policy(), observation, AutoscalerState.Empty);

        b.DesiredReplicas.Should().Be(a.DesiredReplicas);
        b.Message.Should().Be(a.Message);
    }

    /// <summary>Runs one decision per sync from T0 to T0 + duration; load(t) gives (ready pods, utilization).</summary>
    private static ScaleDecision RunFor(AutoscalingPolicy policy, TimeSpan duration, Func<TimeSpan, (int Ready, double Utilization)> load)
    {
        var state = AutoscalerState.Empty;
        ScaleDecision? decision = null;
        for (var t = TimeSpan.Zero; t <= duration; t += Sync)
        {
            var (ready, utilization) = load(t);
            decision = AutoscalerDecision.Decide(policy, Fleet.At(T0 + t, ready, utilization), state);
            state = decision.State;
        }

        return decision!;
    }
}
