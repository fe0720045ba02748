using System.Collections.Immutable;

namespace SlmFleet.Operator.Autoscaling;

/// <summary>HPA's per-target recommendation history (unstabilized counts, newest last).</summary>
internal sealed record HpaState(ImmutableArray<ScaleRecommendation> Recommendations)
{
    public static HpaState Empty { get; } = new([]);
}
