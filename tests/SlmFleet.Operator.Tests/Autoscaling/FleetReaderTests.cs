using FluentAssertions;
using NUnit.Framework;
using k8s.Models;
using SlmFleet.Operator.Autoscaling;

namespace SlmFleet.Operator.Tests.Autoscaling;

[TestFixture]
public sealed class FleetReaderTests
{
    private static readonly DateTimeOffset Now = Fleet.T0;
    private static readonly TimeSpan Warmup = TimeSpan.FromSeconds(300);
    private static readonly TimeSpan Staleness = TimeSpan.FromSeconds(60);

    internal static V1Pod Pod(string name, bool ready, DateTimeOffset? started = null, string phase = "Running", bool terminating = false) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = name,
            CreationTimestamp = (started ?? Now).UtcDateTime,
            DeletionTimestamp = terminating ? Now.UtcDateTime : null,
        },
        Status = new V1PodStatus
        {
            Phase = phase,
            StartTime = (started ?? Now).UtcDateTime,
            Conditions = [new V1PodCondition { Type = "Ready", Status = ready ? "True" : "False" }],
        },
    };

    private static Dictionary<string, WorkerSample> Samples(params (string Name, double Utilization, double Tokens, DateTimeOffset At)[] samples) =>
        samples.ToDictionary(s => s.Name, s => new WorkerSample(new WorkerStats(s.Utilization, 1, s.Tokens), s.At));

    [Test]
    public void Read_ReadyAndWarmingPods_ClassifiedByReadyCondition()
    {
        var pods = new[] { Pod("a", ready: true), Pod("b", ready: false), Pod("c", ready: true) };

        var reading = FleetReader.Read(pods, Samples(("a", 0.5, 100, Now), ("c", 0.7, 50, Now)), 3, null, Now, Warmup, Staleness);

        reading.ReadyPods.Should().Be(2);
        reading.WarmingPods.Should().Be(1);
        reading.Observation.Pods.Should().BeEquivalentTo(new[]
        {
            new PodSample("a", PodReadiness.Ready, 0.5, 1, Now),
            new PodSample("b", PodReadiness.Warming, null, null, null),
            new PodSample("c", PodReadiness.Ready, 0.7, 1, Now),
        });
        reading.TokensPerSecond.Should().Be(150);
        reading.Observation.CurrentReplicas.Should().Be(3);
    }

    [Test]
    public void Read_TerminatingAndEndedPods_AreNotCapacity()
    {
        var pods = new[] { Pod("a", ready: true, terminating: true), Pod("b", ready: false, phase: "Failed"), Pod("c", ready: false, phase: "Succeeded"), Pod("d", ready: true) };

        var reading = FleetReader.Read(pods, Samples(("d", 0.5, 0, Now)), 1, null, Now, Warmup, Staleness);

        reading.Observation.Pods.Select(p => p.Name).Should().Equal("d");
        reading.ReadyPods.Should().Be(1);
        reading.WarmingPods.Should().Be(0);
    }

    [Test]
    public void Read_ReadyPodWithoutSample_IsMissingAndTokensOnlyFromFreshSamples()
    {
        var old = Now - TimeSpan.FromSeconds(90);
        var pods = new[] { Pod("a", ready: true), Pod("b", ready: true), Pod("c", ready: true) };

        var reading = FleetReader.Read(pods, Samples(("a", 0.5, 100, Now), ("b", 0.9, 400, old)), 3, null, Now, Warmup, Staleness);

        reading.Observation.Pods.Single(p => p.Name == "b").SampleTime.Should().Be(old, "an old sample is passed on for the decision to judge stale");
        reading.Observation.Pods.Single(p => p.Name == "c").Utilization.Should().BeNull();
        reading.TokensPerSecond.Should().Be(100);
    }

    [Test]
    public void Read_NoFreshTokens_TokensPerSecondIsNull()
    {
        var reading = FleetReader.Read([Pod("a", ready: true)], Samples(), 1, null, Now, Warmup, Staleness);

        reading.TokensPerSecond.Should().BeNull();
    }

    [Test]
    public void Read_NotReadyLongerThanWarmupTimeout_CountsOverdue()
    {
        var pods = new[]
        {
            Pod("slow", ready: false, started: Now - TimeSpan.FromSeconds(301)),
            Pod("fresh", ready: false, started: Now - TimeSpan.FromSeconds(299)),
            Pod("ready", ready: true, started: Now - TimeSpan.FromHours(1)),
        };

        var reading = FleetReader.Read(pods, Samples(), 3, null, Now, Warmup, Staleness);

        reading.WarmupOverdue.Should().Be(1);
        reading.WarmingPods.Should().Be(2);
    }

    [Test]
    public void Read_LastScaleTime_PassedToObservation()
    {
        var last = Now - TimeSpan.FromMinutes(2);

        var reading = FleetReader.Read([], Samples(), 2, last, Now, Warmup, Staleness);

        reading.Observation.LastScaleTime.Should().Be(last);
        reading.Observation.Now.Should().Be(Now);
    }
}
