namespace SlmFleet.Operator.Runtime;

/// <summary>What a reconcile asks of the controller afterwards.</summary>
/// <param name="Requeue">Run again soon, with the key's rate-limited back-off.</param>
/// <param name="RequeueAfter">Run again after this delay (e.g. to poll an external state); wins over <paramref name="Requeue"/>.</param>
internal readonly record struct ReconcileResult(bool Requeue = false, TimeSpan? RequeueAfter = null)
{
    /// <summary>Converged: run again only when something changes (or at resync).</summary>
    public static ReconcileResult Done => default;

    public static ReconcileResult RequeueWithBackoff() => new(Requeue: true);

    public static ReconcileResult After(TimeSpan delay) => new(RequeueAfter: delay);
}
