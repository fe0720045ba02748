namespace SlmFleet.Worker.Scheduling;

/// <summary>
/// Over a sliding window: the busy fraction of wall time (duty cycle), the capacity utilization
/// (demand against the batch slots, see <see cref="CapacityUtilization"/>), and tokens per second.
/// Time comes from an injected <see cref="TimeProvider"/> so tests control it.
/// </summary>
internal sealed class UtilizationTracker(TimeProvider time, TimeSpan window, int capacity = 1)
{
    /// <summary>Demand beyond twice the slots reads as 2: enough to say "scale up a lot" without an unbounded number.</summary>
    public const double MaxCapacityUtilization = 2.0;

    private readonly Lock _lock = new();
    private readonly Queue<(long Start, long End, int Demand)> _demand = new();
    private long _demandSince = time.GetTimestamp();
    private int _currentDemand;
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

    /// <summary>Records the demand from now on: sequences in the batch plus requests waiting for a slot.</summary>
    public void SetDemand(int demand)
    {
        lock (_lock)
        {
            if (demand == _currentDemand)
            {
                return;
            }

            var now = time.GetTimestamp();
            _demand.Enqueue((_demandSince, now, _currentDemand));
            _demandSince = now;
            _currentDemand = demand;
        }
    }

    /// <summary>
    /// Capacity utilization over the window: the time-weighted average of demand (active sequences plus
    /// queued requests) divided by the batch slots, 0 to <see cref="MaxCapacityUtilization"/>. Unlike the
    /// duty cycle, one sequence in a 16-slot batch reads 1/16, not 100 %: it measures work in flight
    /// against what the worker can run at once (above 1: requests are waiting).
    /// </summary>
    public double CapacityUtilization()
    {
        lock (_lock)
        {
            var now = time.GetTimestamp();
            var (windowStart, span) = WindowBounds(now);
            if (span <= 0)
            {
                return 0;
            }

            while (_demand.Count > 0 && _demand.Peek().End <= windowStart)
            {
                _demand.Dequeue();
            }

            double weighted = 0;
            foreach (var (start, end, demand) in _demand)
            {
                weighted += (double)(end - Math.Max(start, windowStart)) * demand;
            }

            weighted += (double)(now - Math.Max(_demandSince, windowStart)) * _currentDemand;
            return Math.Clamp(weighted / span / Math.Max(1, capacity), 0, MaxCapacityUtilization);
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
