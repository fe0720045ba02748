namespace SlmFleet.Worker.Engine;

/// <summary>
/// A token and its logit, ordered the way the sampler ranks tokens: higher logit first, ties to
/// the lower token id, so a ranking never depends on a sort's stability or on scan order.
/// </summary>
internal readonly record struct LogitCandidate(int Id, float Logit) : IComparable<LogitCandidate>
{
    public int CompareTo(LogitCandidate other)
        => Logit != other.Logit ? other.Logit.CompareTo(Logit) : Id.CompareTo(other.Id);
}
