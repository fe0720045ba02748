namespace SlmFleet.Operator.Runtime;

/// <summary>
/// A token bucket that answers "how long until my token is ready" instead of blocking, so the work
/// queue can schedule the retry (the reservation model of golang.org/x/time/rate, which client-go's
/// BucketRateLimiter uses). Time comes from the injected <see cref="TimeProvider"/>.
/// </summary>
internal sealed class TokenBucket
{
    private readonly object _gate = new();
    private readonly TimeProvider _time;
    private readonly double _ratePerSecond;
    private readonly double _burst;
    private double _tokens;
    private long _lastTimestamp;

    public TokenBucket(TimeProvider time, double ratePerSecond, int burst)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ratePerSecond);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(burst);
        _time = time;
        _ratePerSecond = ratePerSecond;
        _burst = burst;
        _tokens = burst;
        _lastTimestamp = time.GetTimestamp();
    }

    /// <summary>Takes one token (possibly borrowed from the future) and returns how long to wait for it.</summary>
    public TimeSpan Reserve()
    {
        lock (_gate)
        {
            var now = _time.GetTimestamp();
            var elapsed = _time.GetElapsedTime(_lastTimestamp, now).TotalSeconds;
            _lastTimestamp = now;
            _tokens = Math.Min(_burst, _tokens + (elapsed * _ratePerSecond));
            _tokens -= 1;
            return _tokens >= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(-_tokens / _ratePerSecond);
        }
    }
}
