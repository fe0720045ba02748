namespace SlmFleet.Worker.Scheduling;

/// <summary>Something waiting in the scheduler's queue: a generation or a classification.</summary>
internal interface ISchedulerWork
{
    CancellationToken Cancellation { get; }

    /// <summary>Called when the work leaves without running (cancelled while queued, or shutdown).</summary>
    void Abandon(string reason);
}
