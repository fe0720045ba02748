using FluentAssertions;
using NUnit.Framework;
using SlmFleet.Api.V1Alpha1;
using SlmFleet.Operator.Autoscaling;

namespace SlmFleet.Operator.Tests.Autoscaling;

[TestFixture]
public sealed class AutoscalingPolicyMapperTests
{
    [Test]
    public void For_Disabled_ReturnsNull()
    {
        var spec = new SlmDeploymentSpec { Autoscaling = new AutoscalingSpec { Enabled = false } };

        AutoscalingPolicyMapper.For(spec).Should().BeNull();
    }

    [Test]
    public void For_NoAutoscalingBlock_UsesDefaultsEnabled()
    {
        var spec = new SlmDeploymentSpec { MinReplicas = 2, MaxReplicas = 6 };

        var policy = AutoscalingPolicyMapper.For(spec);

        policy.Should().NotBeNull();
        policy!.MinReplicas.Should().Be(2);
        policy.MaxReplicas.Should().Be(6);
        policy.TargetLow.Should().Be(0.60);
        policy.TargetHigh.Should().Be(0.80);
        policy.EffectiveResizeTarget.Should().BeApproximately(0.76, 1e-9);
        policy.ScaleDownStabilization.Should().Be(TimeSpan.FromSeconds(300));
        policy.QueueDepthLimit.Should().Be(8);
        policy.Validate().Should().BeEmpty();
    }

    [Test]
    public void For_CustomBand_MapsEveryField()
    {
        var spec = new SlmDeploymentSpec
        {
            MinReplicas = 1,
            MaxReplicas = 3,
            Autoscaling = new AutoscalingSpec
            {
                TargetUtilizationLow = 0.3,
                TargetUtilizationHigh = 0.5,
                ScaleUpStabilizationSeconds = 30,
                ScaleDownStabilizationSeconds = 60,
                QueueDepthPerReplicaHigh = 4,
            },
        };

        var policy = AutoscalingPolicyMapper.For(spec)!;

        policy.TargetLow.Should().Be(0.3);
        policy.TargetHigh.Should().Be(0.5);
        policy.ScaleUpStabilization.Should().Be(TimeSpan.FromSeconds(30));
        policy.ScaleDownStabilization.Should().Be(TimeSpan.FromSeconds(60));
        policy.QueueDepthLimit.Should().Be(4);
        policy.EffectiveResizeTarget.Should().BeInRange(0.3, 0.5).And.BeGreaterThan(policy.TargetMiddle);
        policy.Validate().Should().BeEmpty();
    }

    [Test]
    public void For_MinAboveMax_PolicyReportsTheFields()
    {
        var spec = new SlmDeploymentSpec { MinReplicas = 5, MaxReplicas = 2 };

        AutoscalingPolicyMapper.For(spec)!.Validate().Should().ContainSingle().Which.Should().Contain("maxReplicas is 2");
    }
}
