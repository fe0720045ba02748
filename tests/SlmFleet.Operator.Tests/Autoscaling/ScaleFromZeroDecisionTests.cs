using FluentAssertions;
using NUnit.Framework;
using SlmFleet.Operator.Autoscaling;

namespace SlmFleet.Operator.Tests.Autoscaling;

/// <summary>The decision at and near zero replicas, where a router's recorded demand is the only signal.</summary>
[TestFixture]
public sealed class ScaleFromZeroDecisionTests
{
    private static readonly DateTimeOffset T0 = Fleet.T0;
    private static readonly AutoscalingPolicy ZeroPolicy = Fleet.Policy(min: 0, max: 4) with { ScaleDownStabilization = TimeSpan.FromSeconds(300) };

    [Test]
    public void Decide_AtZeroWithoutDemand_StaysAtZero()
    {
        var decision = AutoscalerDecision.Decide(ZeroPolicy, Fleet.Observe(T0, 0, []), AutoscalerState.Empty);

        decision.DesiredReplicas.Should().Be(0);
        decision.Reason.Should().Be(ScaleReason.MetricsUnavailable);
    }

    [Test]
    public void Decide_AtZeroWithFreshDemand_OneReplicaAtOnce()
    {
        var observation = Fleet.Observe(T0, 0, []) with { DemandAt = T0 - TimeSpan.FromSeconds(1) };

        var decision = AutoscalerDecision.Decide(ZeroPolicy, observation, AutoscalerState.Empty);

        decision.DesiredReplicas.Should().Be(1);
        decision.Changes.Should().BeTrue();
        decision.Reason.Should().Be(ScaleReason.ScaleUpFromZero);
        decision.Message.Should().Contain("2026-11-22T11:59:59Z").And.Contain("0 -> 1");
    }

    [Test]
    public void Decide_AtZeroWithDemandOlderThanTheScaleDownWindow_StaysAtZero()
    {
        var observation = Fleet.Observe(T0, 0, []) with { DemandAt = T0 - TimeSpan.FromSeconds(301) };

        AutoscalerDecision.Decide(ZeroPolicy, observation, AutoscalerState.Empty).DesiredReplicas.Should().Be(0);
    }

    [Test]
    public void Decide_IdleAfterTheWindowWithRecentDemand_KeepsOneReplica()
    {
        // Idle for the whole window: the metrics alone allow zero.
        var state = AutoscalerState.Empty;
        var lastScale = T0 - TimeSpan.FromHours(1);
        for (var t = 0; t < 300; t += 15)
        {
            state = AutoscalerDecision.Decide(ZeroPolicy, Fleet.At(T0 + TimeSpan.FromSeconds(t), 1, 0.0, lastScale: lastScale), state).State;
        }

        var at = T0 + TimeSpan.FromSeconds(315);
        var withoutDemand = AutoscalerDecision.Decide(ZeroPolicy, Fleet.At(at, 1, 0.0, lastScale: lastScale), state);
        var withDemand = AutoscalerDecision.Decide(ZeroPolicy, Fleet.At(at, 1, 0.0, lastScale: lastScale) with { DemandAt = at - TimeSpan.FromSeconds(200) }, state);

        withoutDemand.DesiredReplicas.Should().Be(0);
        withDemand.DesiredReplicas.Should().Be(1);
        withDemand.Changes.Should().BeFalse();
        withDemand.Reason.Should().Be(ScaleReason.RecentDemand);
        withDemand.Message.Should().Contain("kept at 1 replica").And.Contain("300s scale-down window");
    }

    [Test]
    public void Decide_AtZeroWithDemandButMinReplicasTwo_RaisedToMin()
    {
        var observation = Fleet.Observe(T0, 0, []) with { DemandAt = T0 };

        var decision = AutoscalerDecision.Decide(Fleet.Policy(min: 2, max: 4), observation, AutoscalerState.Empty);

        decision.DesiredReplicas.Should().Be(2);
    }
}
