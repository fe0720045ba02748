using FluentAssertions;
using NUnit.Framework;
using k8s.Models;
using SlmFleet.Operator.Autoscaling;
using SlmFleet.Operator.SlmDeployments;
using static SlmFleet.Operator.Tests.SlmDeployments.SlmDeploymentFixtures;

namespace SlmFleet.Operator.Tests.Autoscaling;

/// <summary>The reconciler's status must keep what the autoscaler owns (it cannot see worker metrics).</summary>
[TestFixture]
public sealed class ScalingLimitedHandOverTests
{
    [Test]
    public void Compute_AutoscalerFieldsInObservedStatus_AreKept()
    {
        var resource = Valid();
        resource.Spec.Replicas = 4;
        var lastScale = new DateTime(2026, 3, 1, 11, 0, 0, DateTimeKind.Utc);
        resource.Status.Utilization = 0.93;
        resource.Status.TokensPerSecond = 1200;
        resource.Status.LastScaleTime = lastScale;
        resource.Status.LastScaleReason = "ScaleUpUtilization: 3 -> 4 replicas";
        resource.Status.Conditions =
        [
            new V1Condition { Type = ConditionTypes.ScalingLimited, Status = "True", Reason = AutoscalerEvents.MaxReplicasReached, Message = "metrics call for 6; limited to maxReplicas 4", LastTransitionTime = lastScale },
        ];

        var plan = Planner().Compute(Observe(resource));

        plan.Status.Utilization.Should().Be(0.93);
        plan.Status.TokensPerSecond.Should().Be(1200);
        plan.Status.LastScaleTime.Should().Be(lastScale);
        plan.Status.LastScaleReason.Should().Be("ScaleUpUtilization: 3 -> 4 replicas");
        var limited = plan.Status.Conditions!.Single(c => c.Type == ConditionTypes.ScalingLimited);
        limited.Status.Should().Be("True");
        limited.Reason.Should().Be(AutoscalerEvents.MaxReplicasReached);
        plan.Events.Should().NotContain(e => e.Reason == AutoscalerEvents.MaxReplicasReached, "the autoscaler posted its own Event");
    }

    [Test]
    public void Compute_ReplicasAboveMax_ReconcilerReasonWinsOverAutoscalers()
    {
        var resource = Valid();
        resource.Spec.Replicas = 9;
        resource.Status.Conditions =
        [
            new V1Condition { Type = ConditionTypes.ScalingLimited, Status = "True", Reason = AutoscalerEvents.MaxReplicasReached, Message = "x" },
        ];

        var plan = Planner().Compute(Observe(resource));

        plan.Status.Conditions!.Single(c => c.Type == ConditionTypes.ScalingLimited).Reason.Should().Be(ConditionReasons.AboveMaxReplicas);
    }
}
