using FluentAssertions;
using NUnit.Framework;
using SlmFleet.Operator.Autoscaling;

namespace SlmFleet.Operator.Tests.Autoscaling;

[TestFixture]
public sealed class AutoscalingPolicyTests
{
    [Test]
    public void Validate_Defaults_HasNoErrors()
    {
        var policy = new AutoscalingPolicy { MinReplicas = 1, MaxReplicas = 10 };

        policy.Validate().Should().BeEmpty();
        policy.TargetMiddle.Should().BeApproximately(0.70, 1e-9);
        policy.EffectiveResizeTarget.Should().BeApproximately(0.76, 1e-9);
    }

    [Test]
    public void Validate_EveryBadField_IsNamedWithValueAndAcceptedRange()
    {
        var policy = new AutoscalingPolicy
        {
            MinReplicas = -1,
            MaxReplicas = 0,
            TargetLow = 0,
            TargetHigh = 1.5,
            ResizeTarget = 2,
            ScaleUpStabilization = TimeSpan.FromSeconds(-1),
            ScaleDownStabilization = TimeSpan.FromSeconds(-1),
            ScaleDownSmoothing = TimeSpan.FromSeconds(-1),
            QueueDepthLimit = 0,
            MetricStaleness = TimeSpan.Zero,
        };

        var errors = policy.Validate();

        errors.Should().HaveCount(10);
        errors.Should().Contain(e => e.StartsWith("minReplicas is -1", StringComparison.Ordinal));
        errors.Should().Contain(e => e.StartsWith("maxReplicas is 0", StringComparison.Ordinal));
        errors.Should().Contain(e => e.StartsWith("targetLow is 0;", StringComparison.Ordinal));
        errors.Should().Contain(e => e.StartsWith("targetHigh is 1.5", StringComparison.Ordinal));
        errors.Should().Contain(e => e.StartsWith("resizeTarget is 2", StringComparison.Ordinal));
        errors.Should().Contain(e => e.StartsWith("scaleUpStabilization is", StringComparison.Ordinal));
        errors.Should().Contain(e => e.StartsWith("scaleDownStabilization is", StringComparison.Ordinal));
        errors.Should().Contain(e => e.StartsWith("scaleDownSmoothing is", StringComparison.Ordinal));
        errors.Should().Contain(e => e.StartsWith("queueDepthLimit is 0", StringComparison.Ordinal));
        errors.Should().Contain(e => e.StartsWith("metricStaleness is", StringComparison.Ordinal));
    }

    [Test]
    public void EffectiveResizeTarget_OtherBand_FollowsTheBand()
    {
        var policy = new AutoscalingPolicy { MinReplicas = 1, MaxReplicas = 10, TargetLow = 0.40, TargetHigh = 0.60 };

        policy.Validate().Should().BeEmpty();
        policy.EffectiveResizeTarget.Should().BeApproximately(0.56, 1e-9);
    }

    [Test]
    public void Validate_MaxBelowMin_IsRejected()
    {
        var policy = new AutoscalingPolicy { MinReplicas = 5, MaxReplicas = 3 };

        policy.Validate().Should().ContainSingle().Which.Should().Contain("maxReplicas is 3").And.Contain("minReplicas (5)");
    }
}
