namespace SlmFleet.Worker.Scheduling;

/// <summary>
/// A queued work item and who owns it: the scheduler (taken) or its cancellation (abandoned).
/// Whoever wins the compare-and-swap accounts for it, so a cancelled request frees its queue slot
/// at once instead of when the scheduler reaches it.
/// </summary>
internal sealed class QueueEntry(ISchedulerWork work)
{
    private const int Queued = 0;
    private const int Taken = 1;
    private const int Abandoned = 2;
    private int _state;

    public ISchedulerWork Work { get; } = work;

    public CancellationTokenRegistration Registration { get; set; }

    public bool TryTake() => Interlocked.CompareExchange(ref _state, Taken, Queued) == Queued;

    public bool TryAbandon() => Interlocked.CompareExchange(ref _state, Abandoned, Queued) == Queued;
}
