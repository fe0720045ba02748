namespace SlmFleet.Operator.Runtime;

/// <summary>Rate limits of a <see cref="WorkQueue{TKey}"/> (defaults follow client-go's controller rate limiter).</summary>
internal sealed class WorkQueueOptions
{
    /// <summary>Delay before the first retry of a failed key; doubles per consecutive failure.</summary>
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromMilliseconds(5);

    /// <summary>Largest per-key retry delay.</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Overall retry rate (tokens per second) shared by all keys.</summary>
    public double BucketRatePerSecond { get; init; } = 10;

    /// <summary>Retries allowed in a burst before the overall rate applies.</summary>
    public int BucketBurst { get; init; } = 100;
}
