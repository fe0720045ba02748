using FluentAssertions;
using NUnit.Framework;
using SlmFleet.Operator.Autoscaling;

namespace SlmFleet.Operator.Tests.Autoscaling;

[TestFixture]
public sealed class UtilizationAggregatorTests
{
    private static readonly TimeSpan Staleness = TimeSpan.FromSeconds(60);

    [Test]
    public void Aggregate_FreshReadyPods_AveragesUtilizationAndSumsBusy()
    {
        var now = Fleet.T0;
        PodSample[] pods =
        [
            new("a", PodReadiness.Ready, 0.5, 2, now),
            new("b", PodReadiness.Ready, 0.9, 4, now.AddSeconds(-10)),
        ];

        var fleet = UtilizationAggregator.Aggregate(pods, now, Staleness);

        fleet.ReadyPods.Should().Be(2);
        fleet.FreshPods.Should().Be(2);
        fleet.Utilization.Should().BeApproximately(0.7, 1e-9);
        fleet.EstimatedBusy.Should().BeApproximately(1.4, 1e-9);
        fleet.QueueDepth.Should().Be(6);
        fleet.QueuePerReadyPod.Should().Be(3);
        fleet.IsComplete.Should().BeTrue();
    }

    [Test]
    public void Aggregate_SampleOlderThanStaleness_IsStaleAndImputedWithFreshMeanNotZero()
    {
        var now = Fleet.T0;
        PodSample[] pods =
        [
            new("fresh", PodReadiness.Ready, 0.8, 0, now),
            new("old", PodReadiness.Ready, 0.0, 0, now - Staleness - TimeSpan.FromSeconds(1)),
        ];

        var fleet = UtilizationAggregator.Aggregate(pods, now, Staleness);

        fleet.FreshPods.Should().Be(1);
        fleet.StalePods.Should().Be(1);
        fleet.Utilization.Should().BeApproximately(0.8, 1e-9);
        fleet.EstimatedBusy.Should().BeApproximately(1.6, 1e-9, "the stale pod is assumed as busy as the fresh ones, not idle");
        fleet.IsComplete.Should().BeFalse();
    }

    [Test]
    public void Aggregate_SampleExactlyAtStalenessBound_IsFresh()
    {
        var now = Fleet.T0;
        PodSample[] pods = [new("a", PodReadiness.Ready, 0.5, 0, now - Staleness)];

        var fleet = UtilizationAggregator.Aggregate(pods, now, Staleness);

        fleet.FreshPods.Should().Be(1);
    }

    [TestCase(null)]
    [TestCase(double.NaN)]
    [TestCase(double.PositiveInfinity)]
    public void Aggregate_MissingOrNonFiniteUtilization_CountsAsStale(double? utilization)
    {
        var now = Fleet.T0;
        PodSample[] pods = [new("fresh", PodReadiness.Ready, 0.4, 0, now), new("bad", PodReadiness.Ready, utilization, 0, now)];

        var fleet = UtilizationAggregator.Aggregate(pods, now, Staleness);

        fleet.StalePods.Should().Be(1);
        fleet.Utilization.Should().BeApproximately(0.4, 1e-9);
    }

    [Test]
    public void Aggregate_NoSampleTime_CountsAsStale()
    {
        PodSample[] pods = [new("a", PodReadiness.Ready, 0.4, 0, null)];

        var fleet = UtilizationAggregator.Aggregate(pods, Fleet.T0, Staleness);

        fleet.HasMetrics.Should().BeFalse();
        fleet.Utilization.Should().BeNull();
        fleet.EstimatedBusy.Should().Be(0);
    }

    [Test]
    public void Aggregate_UtilizationOutsideZeroToOne_IsClamped()
    {
        var now = Fleet.T0;
        PodSample[] pods = [new("a", PodReadiness.Ready, 1.7, 0, now), new("b", PodReadiness.Ready, -0.3, 0, now)];

        var fleet = UtilizationAggregator.Aggregate(pods, now, Staleness);

        fleet.Utilization.Should().BeApproximately(0.5, 1e-9);
    }

    [Test]
    public void Aggregate_SampleStampedInTheFuture_CountsAsFresh()
    {
        var now = Fleet.T0;
        PodSample[] pods = [new("skewed", PodReadiness.Ready, 0.6, 0, now.AddSeconds(5))];

        var fleet = UtilizationAggregator.Aggregate(pods, now, Staleness);

        fleet.FreshPods.Should().Be(1);
    }

    [Test]
    public void Aggregate_WarmingPods_AreCountedButTheirSamplesIgnored()
    {
        var now = Fleet.T0;
        PodSample[] pods = [new("ready", PodReadiness.Ready, 0.6, 1, now), new("warming", PodReadiness.Warming, 0.0, 50, now)];

        var fleet = UtilizationAggregator.Aggregate(pods, now, Staleness);

        fleet.ReadyPods.Should().Be(1);
        fleet.WarmingPods.Should().Be(1);
        fleet.Utilization.Should().BeApproximately(0.6, 1e-9);
        fleet.QueueDepth.Should().Be(1);
    }

    [Test]
    public void Aggregate_QueueOfStalePods_IsEstimatedFromFreshOnes()
    {
        var now = Fleet.T0;
        PodSample[] pods = [new("fresh", PodReadiness.Ready, 0.9, 10, now), new("stale", PodReadiness.Ready, null, null, null)];

        var fleet = UtilizationAggregator.Aggregate(pods, now, Staleness);

        fleet.QueuePerReadyPod.Should().Be(10);
        fleet.EstimatedQueue.Should().Be(20);
    }

    [Test]
    public void Aggregate_NoPods_HasNoMetricsAndIsNotComplete()
    {
        var fleet = UtilizationAggregator.Aggregate([], Fleet.T0, Staleness);

        fleet.HasMetrics.Should().BeFalse();
        fleet.IsComplete.Should().BeFalse();
        fleet.QueuePerReadyPod.Should().Be(0);
    }
}
