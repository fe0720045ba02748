using SlmFleet.Api.V1Alpha1;
using SlmFleet.Operator.Autoscaling;

namespace SlmFleet.Bench.Autoscaler;

/// <summary>
/// The scale-from-zero trace once per cold-start policy, with the same seeds: every policy sees the same
/// requests and the same first warm-up, and the operator's real autoscaler (minReplicas 0) runs the fleet.
/// </summary>
internal static class ScaleFromZeroComparison
{
    /// <summary>The objective every policy's waits are also counted against: the CRD's default maxWaitMilliseconds.</summary>
    public static readonly double ReferenceObjectiveSeconds = new ColdStartSpec().MaxWaitMilliseconds / 1000.0;

    /// <summary>
    /// The policies compared: the two extremes, the rule at two objectives with the default hold queue (one
    /// replica's batch), and the same with a hold queue four batches deep (what the default was before this
    /// comparison showed its cost).
    /// </summary>
    public static IReadOnlyList<ColdStartPolicy> Policies(SimulationOptions options) =>
    [
        ColdStartPolicy.HoldOnly(),
        ColdStartPolicy.EscalateAlways(),
        ColdStartPolicy.WaitOrEscalate(30),
        ColdStartPolicy.WaitOrEscalate(120),
        ColdStartPolicy.WaitOrEscalate(30, 4 * options.BatchSlots),
        ColdStartPolicy.WaitOrEscalate(120, 4 * options.BatchSlots),
    ];

    public static IReadOnlyList<SimulationResult> Run(LoadTrace trace, SimulationOptions options, int seed, IEnumerable<ColdStartPolicy> policies)
    {
        var fleet = options with { MinReplicas = 0 };
        var autoscaling = new AutoscalingPolicy { MinReplicas = 0, MaxReplicas = fleet.MaxReplicas };
        return [.. policies.Select(policy => new FleetSimulator(trace, new SlmScaler(autoscaling), fleet,
            new Random(seed + 2), new Random(seed + 3), policy, ReferenceObjectiveSeconds).Run())];
    }
}
