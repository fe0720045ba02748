using FluentAssertions;
using NUnit.Framework;
using SlmFleet.Operator.Autoscaling;

namespace SlmFleet.Operator.Tests.Autoscaling;

[TestFixture]
public sealed class HpaAlgorithmTests
{
    private static readonly DateTimeOffset T0 = Fleet.T0;
    private static readonly HpaPolicy Policy = new() { MinReplicas = 1, MaxReplicas = 100 };

    [TestCase(0.64)]
    [TestCase(0.70)]
    [TestCase(0.76)]
    public void Decide_RatioWithinTolerance_KeepsReplicas(double utilization)
    {
        var decision = HpaAlgorithm.Decide(Policy, Fleet.At(T0, 10, utilization), HpaState.Empty);

        decision.DesiredReplicas.Should().Be(10);
    }

    [Test]
    public void Decide_AboveTarget_ScalesToCeilOfRatioTimesReadyPods()
    {
        // ratio 0.91 / 0.70 = 1.3; ceil(1.3 * 10) = 13.
        var decision = HpaAlgorithm.Decide(Policy, Fleet.At(T0, 10, 0.91), HpaState.Empty);

        decision.DesiredReplicas.Should().Be(13);
    }

    [Test]
    public void Decide_BelowTargetWithinDownWindow_KeepsHighestRecommendation()
    {
        var first = HpaAlgorithm.Decide(Policy, Fleet.At(T0, 10, 0.70), HpaState.Empty);

        var decision = HpaAlgorithm.Decide(Policy, Fleet.At(T0 + TimeSpan.FromMinutes(4), 10, 0.35), first.State);

        decision.Recommended.Should().Be(5);
        decision.DesiredReplicas.Should().Be(10);
    }

    [Test]
    public void Decide_BelowTargetForWholeDownWindow_ScalesDown()
    {
        var state = HpaState.Empty;
        HpaDecision? decision = null;
        for (var t = TimeSpan.Zero; t <= TimeSpan.FromMinutes(6); t += TimeSpan.FromSeconds(15))
        {
            decision = HpaAlgorithm.Decide(Policy, Fleet.At(T0 + t, 10, t < TimeSpan.FromSeconds(30) ? 0.70 : 0.35), state);
            state = decision.State;
        }

        decision!.DesiredReplicas.Should().Be(5);
    }

    [Test]
    public void Decide_UnreadyPodsWhileScalingUp_CountAsIdle()
    {
        // 10 ready at 1.0 and 4 warming: (10 * 1.0) / 14 / 0.7 = 1.02, inside the tolerance.
        var decision = HpaAlgorithm.Decide(Policy, Fleet.At(T0, 10, 1.0, warming: 4), HpaState.Empty);

        decision.DesiredReplicas.Should().Be(14);
    }

    [Test]
    public void Decide_UnreadyPodsWhileScalingDown_AreIgnored()
    {
        // 10 ready at 0.35 (ratio 0.5) and 4 warming: ceil(0.5 * 10) = 5 once the window allows.
        var decision = HpaAlgorithm.Decide(Policy with { ScaleDownStabilization = TimeSpan.Zero }, Fleet.At(T0, 10, 0.35, warming: 4), HpaState.Empty);

        decision.Recommended.Should().Be(5);
    }

    [Test]
    public void Decide_MissingPodsWhileScalingDown_CountAsFullyBusy()
    {
        // 8 ready at 0.35 and 2 without metrics: (8 * 0.35 + 2 * 1.0) / 10 / 0.7 = 0.686 -> ceil(6.86) = 7.
        var observation = Fleet.Observe(T0, 10, Fleet.Ready(8, 0.35, T0).Concat(Fleet.Silent(2)));

        var decision = HpaAlgorithm.Decide(Policy with { ScaleDownStabilization = TimeSpan.Zero }, observation, HpaState.Empty);

        decision.Recommended.Should().Be(7);
    }

    [Test]
    public void Decide_MissingPodsWhileScalingUp_CountAsIdle()
    {
        // 8 ready at 1.0 and 2 without metrics: 8 / 10 / 0.7 = 1.14 -> ceil(11.4) = 12.
        var observation = Fleet.Observe(T0, 10, Fleet.Ready(8, 1.0, T0).Concat(Fleet.Silent(2)));

        var decision = HpaAlgorithm.Decide(Policy, observation, HpaState.Empty);

        decision.DesiredReplicas.Should().Be(12);
    }

    [Test]
    public void Decide_NoMetrics_KeepsReplicas()
    {
        var decision = HpaAlgorithm.Decide(Policy, Fleet.Observe(T0, 6, Fleet.Silent(6)), HpaState.Empty);

        decision.DesiredReplicas.Should().Be(6);
    }

    [Test]
    public void Decide_LargeScaleUp_LimitedToDoubleOrFourPods()
    {
        var policy = Policy with { TargetUtilization = 0.1 };

        var decision = HpaAlgorithm.Decide(policy, Fleet.At(T0, 2, 1.0), HpaState.Empty);

        decision.Recommended.Should().Be(20);
        decision.DesiredReplicas.Should().Be(6);
    }

    [Test]
    public void Decide_Recommendation_ClampedToMinAndMax()
    {
        var bounded = Policy with { MinReplicas = 3, MaxReplicas = 11 };

        var up = HpaAlgorithm.Decide(bounded, Fleet.At(T0, 10, 0.95), HpaState.Empty);
        var down = HpaAlgorithm.Decide(bounded with { ScaleDownStabilization = TimeSpan.Zero }, Fleet.At(T0, 10, 0.05), HpaState.Empty);

        up.DesiredReplicas.Should().Be(11);
        down.DesiredReplicas.Should().Be(3);
    }
}
