using FluentAssertions;
using NUnit.Framework;
using k8s.Models;
using SlmFleet.Api.V1Alpha1;
using SlmFleet.Operator.Autoscaling;
using SlmFleet.Operator.SlmDeployments;

namespace SlmFleet.Operator.Tests.Autoscaling;

[TestFixture]
public sealed class AutoscalerStatusPatchTests
{
    private static readonly DateTimeOffset Now = Fleet.T0;

    private static V1Alpha1SlmDeployment Resource(SlmDeploymentStatus? status = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = "qwen", NamespaceProperty = "ml", ResourceVersion = "42", Generation = 3 },
        Spec = new SlmDeploymentSpec { MinReplicas = 1, MaxReplicas = 4 },
        Status = status ?? new SlmDeploymentStatus(),
    };

    private static ScaleDecision Decision(int desired, int current, bool clamped = false, double? utilization = 0.9) =>
        new(desired, current, desired > current ? ScaleReason.ScaleUpUtilization : ScaleReason.WithinBand, "utilization 0.90; 2 -> 3 replicas", clamped,
            new FleetUtilization(2, 0, utilization is null ? 0 : 2, 0, 1.8, utilization, 0), AutoscalerState.Empty);

    private static FleetReading Reading(double? tokens = 250) =>
        new(new FleetObservation([], 2, null, Now), 2, 0, 0, tokens);

    [Test]
    public void Build_Scaled_WritesOnlyAutoscalerFields()
    {
        var patch = AutoscalerStatusPatch.Build(Resource(), Decision(3, 2), Reading(), 1.23, Now, Now)!;

        var status = patch["status"]!.AsObject();
        status.Select(p => p.Key).Should().BeEquivalentTo("desiredReplicas", "utilization", "tokensPerSecond", "estimatedCostPerMillionTokens", "lastScaleTime", "lastScaleReason");
        status["desiredReplicas"]!.GetValue<int>().Should().Be(3);
        status["utilization"]!.GetValue<double>().Should().Be(0.9);
        status["lastScaleTime"]!.GetValue<string>().Should().Be("2026-11-22T12:00:00Z");
        status["lastScaleReason"]!.GetValue<string>().Should().Be("2 -> 3 replicas (ScaleUpUtilization): utilization 0.90; 2 -> 3 replicas");
        patch.ContainsKey("metadata").Should().BeFalse("without conditions a merge patch cannot clobber another writer's fields");
    }

    [Test]
    public void Build_NothingChanged_ReturnsNull()
    {
        var resource = Resource(new SlmDeploymentStatus { DesiredReplicas = 2, Utilization = 0.9, TokensPerSecond = 250, EstimatedCostPerMillionTokens = 1.23 });

        AutoscalerStatusPatch.Build(resource, Decision(2, 2), Reading(), 1.23, null, Now).Should().BeNull();
    }

    [Test]
    public void Build_NoMetrics_LeavesUtilizationAndTokens()
    {
        var resource = Resource(new SlmDeploymentStatus { DesiredReplicas = 2, Utilization = 0.5, TokensPerSecond = 99 });

        AutoscalerStatusPatch.Build(resource, Decision(2, 2, utilization: null), Reading(tokens: null), null, null, Now).Should().BeNull();
    }

    [Test]
    public void Build_Clamped_SetsScalingLimitedTrueKeepingOtherConditionsAndCarriesResourceVersion()
    {
        var ready = new V1Condition { Type = ConditionTypes.Ready, Status = "True", Reason = "ReplicasReady", Message = "4 of 4 ready." };
        var limited = new V1Condition { Type = ConditionTypes.ScalingLimited, Status = "False", Reason = ConditionReasons.WithinLimits, Message = "Replicas within [1, 4]." };
        var resource = Resource(new SlmDeploymentStatus { DesiredReplicas = 4, Utilization = 0.9, TokensPerSecond = 250, Conditions = [ready, limited] });

        var patch = AutoscalerStatusPatch.Build(resource, Decision(4, 4, clamped: true), Reading(), null, null, Now)!;

        patch["metadata"]!["resourceVersion"]!.GetValue<string>().Should().Be("42");
        var conditions = patch["status"]!["conditions"]!.AsArray();
        conditions.Should().HaveCount(2);
        conditions[0]!["type"]!.GetValue<string>().Should().Be(ConditionTypes.Ready);
        var set = conditions[1]!;
        set["status"]!.GetValue<string>().Should().Be("True");
        set["reason"]!.GetValue<string>().Should().Be(AutoscalerEvents.MaxReplicasReached);
        set["message"]!.GetValue<string>().Should().Contain("2 -> 3 replicas");
        set["observedGeneration"]!.GetValue<long>().Should().Be(3);
        set["lastTransitionTime"]!.GetValue<string>().Should().StartWith("2026-11-22T12:00:00");
    }

    [Test]
    public void Build_NoLongerClamped_ClearsOnlyTheAutoscalersCondition()
    {
        var mine = new V1Condition { Type = ConditionTypes.ScalingLimited, Status = "True", Reason = AutoscalerEvents.MaxReplicasReached, Message = "x" };
        var patch = AutoscalerStatusPatch.Build(Resource(new SlmDeploymentStatus { DesiredReplicas = 3, Conditions = [mine] }), Decision(3, 3), Reading(), null, null, Now)!;
        var cleared = patch["status"]!["conditions"]!.AsArray().Single()!;
        cleared["status"]!.GetValue<string>().Should().Be("False");
        cleared["reason"]!.GetValue<string>().Should().Be(ConditionReasons.WithinLimits);

        var reconcilers = new V1Condition { Type = ConditionTypes.ScalingLimited, Status = "True", Reason = ConditionReasons.AboveMaxReplicas, Message = "spec.replicas 9" };
        var untouched = AutoscalerStatusPatch.Build(Resource(new SlmDeploymentStatus { DesiredReplicas = 3, Utilization = 0.9, TokensPerSecond = 250, Conditions = [reconcilers] }), Decision(3, 3), Reading(), null, null, Now);
        untouched.Should().BeNull();
    }
}
