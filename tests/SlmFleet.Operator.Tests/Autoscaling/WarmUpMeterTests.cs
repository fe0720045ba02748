using FluentAssertions;
using k8s.Models;
using NUnit.Framework;
using SlmFleet.Api.V1Alpha1;
using SlmFleet.Operator.Autoscaling;

namespace SlmFleet.Operator.Tests.Autoscaling;

[TestFixture]
public sealed class WarmUpMeterTests
{
    private static readonly DateTime T0 = new(2026, 12, 6, 10, 0, 0, DateTimeKind.Utc);

    private static V1Pod Pod(string name, double createdAt, double? readyAt, int restarts = 0) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, CreationTimestamp = T0.AddSeconds(createdAt) },
        Status = new V1PodStatus
        {
            Phase = "Running",
            Conditions = [new V1PodCondition { Type = "Ready", Status = readyAt is null ? "False" : "True", LastTransitionTime = readyAt is { } r ? T0.AddSeconds(r) : null }],
            ContainerStatuses = [new V1ContainerStatus { Name = "worker", RestartCount = restarts }],
        },
    };

    [Test]
    public void Measure_ReadyPods_CreationToReadyInReadyOrderWithP90Prediction()
    {
        var status = WarmUpMeter.Measure([Pod("b", 10, 100), Pod("a", 0, 60), Pod("warming", 5, null)], null);

        status.Should().NotBeNull();
        status!.RecentSeconds.Should().Equal(60, 90);
        status.LastSeconds.Should().Be(90);
        status.PredictedSeconds.Should().Be(90);
        status.Samples.Should().Be(2);
        status.LastReadyTime.Should().Be(T0.AddSeconds(100));
    }

    [Test]
    public void Measure_PodsAlreadyMeasured_NothingNew()
    {
        var first = WarmUpMeter.Measure([Pod("a", 0, 60)], null);

        WarmUpMeter.Measure([Pod("a", 0, 60)], first).Should().BeNull("an operator restart re-lists the same pods");
    }

    [Test]
    public void Measure_RestartedPod_Skipped()
    {
        WarmUpMeter.Measure([Pod("crashlooping", 0, 600, restarts: 3)], null).Should().BeNull();
    }

    [Test]
    public void Measure_ManyStarts_KeepsTheLastTenAndPredictsTheNinetiethPercentile()
    {
        var previous = new WarmUpStatus { RecentSeconds = [.. Enumerable.Range(1, 10).Select(i => i * 10.0)], Samples = 10, LastReadyTime = T0 };

        var status = WarmUpMeter.Measure([Pod("n", 100, 105)], previous)!;

        status.RecentSeconds.Should().Equal(20, 30, 40, 50, 60, 70, 80, 90, 100, 5);
        status.Samples.Should().Be(11);
        // Nearest rank: ceil(0.9 × 10) = the 9th of the sorted ten.
        status.PredictedSeconds.Should().Be(90);
    }
}
