using FluentAssertions;
using NUnit.Framework;
using SlmFleet.Api.Calibration;
using SlmFleet.Api.V1Alpha1;

namespace SlmFleet.Api.Tests.Calibration;

[TestFixture]
public sealed class ThresholdCalibrationTests
{
    // Reference values of the 95 % Wilson score interval's lower bound (z = 1.96), as statsmodels'
    // proportion_confint(method="wilson") gives them.
    [TestCase(0, 10, 0.0)]
    [TestCase(10, 10, 0.7225)]
    [TestCase(81, 100, 0.7222)]
    [TestCase(950, 1000, 0.9346)]
    [TestCase(1, 2, 0.0945)]
    public void WilsonLowerBound_MatchesReferenceValues(long successes, long trials, double expected)
    {
        ThresholdCalibration.WilsonLowerBound(successes, trials).Should().BeApproximately(expected, 5e-4);
    }

    [Test]
    public void Table_KeepsEveryBucketAtOrAboveTheThreshold()
    {
        var agreed = new long[ThresholdCalibration.Buckets];
        var disagreed = new long[ThresholdCalibration.Buckets];
        agreed[19] = 90;    // confidence 0.95..1: 90 of 100 agree
        disagreed[19] = 10;
        agreed[10] = 20;    // 0.50..0.55: 20 of 100 agree
        disagreed[10] = 80;

        var table = ThresholdCalibration.Table(agreed, disagreed);

        table.Should().HaveCount(20);
        table[0].Threshold.Should().Be(0.0);
        table[0].Samples.Should().Be(200);
        table[0].Agreement.Should().Be(0.55);
        table[10].Threshold.Should().Be(0.5);
        table[10].Samples.Should().Be(200);
        table[11].Samples.Should().Be(100);
        table[11].KeptShare.Should().Be(0.5);
        table[11].Agreement.Should().Be(0.9);
        table[19].Threshold.Should().Be(0.95);
    }

    [Test]
    public void Recommend_LowestThresholdWhoseLowerBoundMeetsTheTarget()
    {
        var agreed = new long[ThresholdCalibration.Buckets];
        var disagreed = new long[ThresholdCalibration.Buckets];
        agreed[18] = 500;   // 0.90..0.95: all agree
        agreed[14] = 480;   // 0.70..0.75: 96 % agree
        disagreed[14] = 20;
        agreed[8] = 250;    // 0.40..0.45: half agree
        disagreed[8] = 250;

        var (threshold, message) = ThresholdCalibration.Recommend(ThresholdCalibration.Table(agreed, disagreed), 0.95, 200);

        // From 0.45 up to 0.70 the kept set is the same 980/1000 (lower bound 0.969); at 0.40 it is
        // 1230/1500 (0.80). The lowest threshold that keeps only the good traffic is 0.45.
        threshold.Should().Be(0.45);
        message.Should().Contain("1500 samples");
    }

    [Test]
    public void Recommend_TooFewSamples_NoneAndSaysHowMany()
    {
        var agreed = new long[ThresholdCalibration.Buckets];
        agreed[19] = 40;

        var (threshold, message) = ThresholdCalibration.Recommend(ThresholdCalibration.Table(agreed, new long[ThresholdCalibration.Buckets]), 0.9, 200);

        threshold.Should().BeNull();
        message.Should().Contain("40 shadowed samples").And.Contain("200");
    }

    [Test]
    public void Apply_ClampsToTheBoundsAndIgnoresMovesSmallerThanTheHysteresis()
    {
        var spec = new CalibrationSpec { Mode = "auto", MinThreshold = 0.6, MaxThreshold = 0.95, Hysteresis = 0.05 };

        ThresholdCalibration.Apply(0.30, null, 0.85, spec).Should().Be(0.6, "clamped to minThreshold");
        ThresholdCalibration.Apply(0.82, null, 0.85, spec).Should().Be(0.85, "a move of 0.03 is inside the hysteresis");
        ThresholdCalibration.Apply(0.75, null, 0.85, spec).Should().Be(0.75);
        ThresholdCalibration.Apply(null, 0.75, 0.85, spec).Should().Be(0.75, "without a recommendation the applied threshold stays");
        ThresholdCalibration.Apply(0.99, 0.75, 0.85, spec).Should().Be(0.95, "clamped to maxThreshold");
    }

    [Test]
    public void Effective_FollowsTheBudgetCurveButNeverBelowTheFloorOrAboveTheBase()
    {
        var budget = new BudgetSpec
        {
            MonthlyUsd = 100,
            ThresholdCurve = [new() { SpentFraction = 0.8, Threshold = 0.85 }, new() { SpentFraction = 1.0, Threshold = 0.45 }],
            ThresholdFloor = 0.6,
        };

        ThresholdCalibration.Effective(0.85, budget, 0.5).Should().Be(0.85, "before the curve's first point");
        ThresholdCalibration.Effective(0.85, budget, 0.9).Should().BeApproximately(0.65, 1e-9, "halfway between 0.85 and 0.45");
        ThresholdCalibration.Effective(0.85, budget, 0.99).Should().Be(0.6, "the floor");
        ThresholdCalibration.Effective(0.7, budget, 0.8).Should().Be(0.7, "the curve only ever lowers the threshold");
        ThresholdCalibration.Effective(0.85, null, 0.99).Should().Be(0.85);
    }
}
