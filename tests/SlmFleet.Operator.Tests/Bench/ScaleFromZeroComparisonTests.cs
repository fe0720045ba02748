using FluentAssertions;
using NUnit.Framework;
using SlmFleet.Bench.Autoscaler;

namespace SlmFleet.Operator.Tests.Bench;

/// <summary>
/// The fleet simulator's cold-start comparison: a minReplicas-0 fleet goes idle, reaches zero, then a
/// burst arrives while every new replica takes 100 s to warm up — longer than a 30 s objective.
/// </summary>
[TestFixture]
public sealed class ScaleFromZeroComparisonTests
{
    private const int Seed = 7;

    private static readonly SimulationOptions Options = new() { ServiceRate = 0.8, WarmupMin = 100, WarmupMax = 100 };

    [Test]
    public void WaitOrEscalate_WarmUpLongerThanObjective_NoColdRequestWaitsBeyondObjective()
    {
        var policy = ColdStartPolicy.WaitOrEscalate(30, Options.BatchSlots);

        var run = ScaleFromZeroComparison.Run(LoadTraces.ScaleFromZero(), Options, Seed, [policy]).Single();

        var cold = run.ColdStart!;
        cold.ZeroReplicasAt.Should().BeLessThan(cold.FirstColdRequestAt!.Value, "the idle phase must take the fleet to zero before the burst");
        cold.TimeToFirstReady.Should().BeGreaterThan(30);
        cold.Escalated.Should().BeGreaterThan(0);
        cold.HeldBeyondObjective.Should().Be(0);
        cold.WaitedBeyondObjective.Should().Be(0);
        run.Dropped.Should().Be(0);
    }

    [Test]
    public void HoldOnly_WarmUpLongerThanObjective_ColdRequestsWaitBeyondIt()
    {
        var run = ScaleFromZeroComparison.Run(LoadTraces.ScaleFromZero(), Options, Seed, [ColdStartPolicy.HoldOnly()]).Single();

        var cold = run.ColdStart!;
        cold.Escalated.Should().Be(0);
        cold.WaitedBeyondReference.Should().BeGreaterThan(0, "holding every request for a 100 s warm-up keeps some past the 30 s objective");
        run.Dropped.Should().Be(0);
    }

    [Test]
    public void EscalateAlways_ColdStart_EscalatesEveryColdRequestAndSpendsOnTheLlm()
    {
        var run = ScaleFromZeroComparison.Run(LoadTraces.ScaleFromZero(), Options, Seed, [ColdStartPolicy.EscalateAlways()]).Single();

        var cold = run.ColdStart!;
        cold.Held.Should().Be(0);
        cold.Escalated.Should().Be(cold.ColdRequests).And.BeGreaterThan(0);
        cold.LlmSpendUsd.Should().BeApproximately(cold.Escalated * LlmPrice.PerRequestUsd, 1e-9);
    }

    [Test]
    public void Run_SamePoliciesAndSeed_SameFirstReplicaForEveryPolicy()
    {
        var runs = ScaleFromZeroComparison.Run(LoadTraces.ScaleFromZero(), Options with { WarmupMin = 60, WarmupMax = 180 }, Seed, ScaleFromZeroComparison.Policies(Options));

        runs.Select(r => r.ColdStart!.TimeToFirstReady).Distinct().Should().ContainSingle("every policy sees the same requests and the same first warm-up");
    }
}
