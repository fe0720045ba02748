namespace SlmFleet.Router.Tests.Infrastructure;

/// <summary>
/// The system clock with its wall time moved to a chosen instant (timestamps and timers stay the
/// system's), so that a test's "this month" is known and no month boundary falls inside it.
/// </summary>
public sealed class ShiftedClock(DateTimeOffset start) : TimeProvider
{
    private readonly TimeSpan _offset = start - System.GetUtcNow();

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + _offset;
}
