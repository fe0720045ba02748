namespace SlmFleet.Operator.SlmDeployments;

/// <summary>What the controller loop does next with the key: forget it, or requeue (with back-off, or after a delay).</summary>
internal sealed record ReconcileOutcome(bool Requeue, TimeSpan? After = null)
{
    public static ReconcileOutcome Done { get; } = new(false);

    /// <summary>State moved under us (409, stale cache): try again soon with back-off.</summary>
    public static ReconcileOutcome Retry { get; } = new(true);
}
