namespace SlmFleet.Worker.Scheduling;

/// <summary>
/// Busy fraction of wall time over a sliding window, plus tokens per second over the same window.
/// Time comes from an injected <see cref="TimeProvider"/> so tests control it.
/// </summary>
internal sealed class UtilizationTracker(TimeProvider time, TimeSpan window)
{
    private readonly Lock _lock = new();
    private readonly Queue<(long Start, long End)> _busy = new();
    private readonly Queue<(long At, int Tokens)> _tokens = new();
    private readonly long _created = time.GetTimestamp();
    private long? _busySince;

    public TimeSpan Window => window;

    public void BeginBusy()
    {
        lock (_lock)
        {
            _busySince ??= time.GetTimestamp();
        }
    }

    public void EndBusy()
    {
        lock (_lock)
        {
            if (_busySince is { } start)
            {
                _busy.Enqueue((start, time.GetTimestamp()));
                _busySince = null;
            }
        }
    }

    public void AddTokens(int count)
    {
        lock (_lock)
        {
            _tokens.Enqueue((time.GetTimestamp(), count));
        }
    }

    /// <summary>Busy fraction over the window (or since creation when younger than the window), 0..1.</summary>
    public double Utilization()
    {
        lock (_lock)
        {
            var now = time.GetTimestamp();
            var (windowStart, span) = WindowBounds(now);
            if (span <= 0)
            {
                return 0;
            }

            while (_busy.Count > 0 && _busy.Peek().End <= windowStart)
            {
                _busy.Dequeue();
            }

            long busy = 0;
            foreach (var (start, end) in _busy)
            {
                busy += end - Math.Max(start, windowStart);
            }

            if (_busySince is { } since)
            {
                busy += now - Math.Max(since, windowStart);
            }

            return Math.Clamp((double)busy / span, 0, 1);
        }
    }

    public double TokensPerSecond()
    {
        lock (_lock)
        {
            var now = time.GetTimestamp();
            var (windowStart, span) = WindowBounds(now);
            while (_tokens.Count > 0 && _tokens.Peek().At < windowStart)
            {
                _tokens.Dequeue();
            }

            var seconds = (double)span / time.TimestampFrequency;
            return seconds <= 0 ? 0 : _tokens.Sum(t => t.Tokens) / seconds;
        }
    }

    private (long Start, long Span) WindowBounds(long now)
    {
        var windowTicks = (long)(window.TotalSeconds * time.TimestampFrequency);
        var start = Math.Max(now - windowTicks, _created);
        return (start, now - start);
    }
}
