using System.Collections.Immutable;

namespace SlmFleet.Operator.Autoscaling;

/// <summary>
/// What the decision remembers between calls; the caller keeps it (per fleet) and passes the
/// returned one back next time. <see cref="History"/> holds only the stabilization windows.
/// </summary>
internal sealed record AutoscalerState(
    DateTimeOffset? AboveBandSince,
    DateTimeOffset? ShrinkCandidateSince,
    ImmutableArray<BusySample> History)
{
    /// <summary>State for a fleet the decision has not seen yet.</summary>
    public static AutoscalerState Empty { get; } = new(null, null, []);
}
