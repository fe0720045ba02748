namespace SlmFleet.Operator.Runtime;

/// <summary>Doubling delays with a cap: initial, 2×initial, 4×initial … max. Deterministic (no jitter).</summary>
internal sealed class ExponentialBackoff
{
    private readonly TimeSpan _initial;
    private readonly TimeSpan _max;
    private int _failures;

    public ExponentialBackoff(TimeSpan initial, TimeSpan max)
    {
        _initial = initial;
        _max = max;
    }

    public TimeSpan Next() => Delay(_initial, _max, _failures++);

    public void Reset() => _failures = 0;

    /// <summary>The delay after <paramref name="failures"/> earlier failures.</summary>
    public static TimeSpan Delay(TimeSpan initial, TimeSpan max, int failures)
    {
        var factor = Math.Pow(2, Math.Min(failures, 30));
        var ticks = initial.Ticks * factor;
        return ticks >= max.Ticks ? max : TimeSpan.FromTicks((long)ticks);
    }
}
