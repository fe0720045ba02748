namespace SlmFleet.Operator.Runtime;

/// <summary>
/// A de-duplicating, rate-limited work queue (the client-go workqueue model):
/// <list type="bullet">
/// <item>a key added while already waiting is queued once;</item>
/// <item>a key is never handed to two workers at once: re-added while processing, it is queued
/// again only after <see cref="Done"/>;</item>
/// <item><see cref="AddRateLimited"/> delays by max(per-key exponential back-off, overall token
/// bucket); <see cref="Forget"/> resets the key's back-off after a success;</item>
/// <item><see cref="AddAfter"/> uses timers from the injected <see cref="TimeProvider"/>.</item>
/// </list>
/// </summary>
internal sealed class WorkQueue<TKey> : IDisposable
    where TKey : notnull
{
    private readonly object _gate = new();
    private readonly Queue<TKey> _queue = new();
    private readonly HashSet<TKey> _dirty = [];
    private readonly HashSet<TKey> _processing = [];
    private readonly Dictionary<TKey, int> _failures = [];
    private readonly HashSet<ITimer> _timers = [];
    private readonly SemaphoreSlim _available = new(0);
    private readonly TimeProvider _time;
    private readonly WorkQueueOptions _options;
    private readonly TokenBucket _bucket;
    private readonly RuntimeMetrics? _metrics;
    private readonly string _name;
    private bool _shuttingDown;

    public WorkQueue(string name, WorkQueueOptions options, TimeProvider time, RuntimeMetrics? metrics = null)
    {
        _name = name;
        _options = options;
        _time = time;
        _metrics = metrics;
        _bucket = new TokenBucket(time, options.BucketRatePerSecond, options.BucketBurst);
    }

    /// <summary>Keys waiting to be handed out (not counting delayed or in-flight keys).</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _queue.Count;
            }
        }
    }

    public bool IsShuttingDown
    {
        get
        {
            lock (_gate)
            {
                return _shuttingDown;
            }
        }
    }

    /// <summary>Queues the key unless it is already waiting; if it is being processed, it runs again after.</summary>
    public void Add(TKey key)
    {
        lock (_gate)
        {
            if (_shuttingDown || !_dirty.Add(key))
            {
                return;
            }

            _metrics?.QueueAdds.WithLabels(_name).Inc();
            if (_processing.Contains(key))
            {
                return;
            }

            Enqueue(key);
        }
    }

    /// <summary>Adds the key after a delay (immediately when the delay is not positive).</summary>
    public void AddAfter(TKey key, TimeSpan delay)
    {
        if (delay <= TimeSpan.Zero)
        {
            Add(key);
            return;
        }

        lock (_gate)
        {
            if (_shuttingDown)
            {
                return;
            }

            ITimer? timer = null;
            timer = _time.CreateTimer(_ =>
            {
                lock (_gate)
                {
                    _timers.Remove(timer!);
                }

                timer!.Dispose();
                Add(key);
            }, null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            _timers.Add(timer);
            timer.Change(delay, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>Re-adds a failed key after its back-off: max(per-key exponential, overall bucket).</summary>
    public void AddRateLimited(TKey key)
    {
        TimeSpan perKey;
        lock (_gate)
        {
            var failures = _failures.GetValueOrDefault(key);
            _failures[key] = failures + 1;
            perKey = ExponentialBackoff.Delay(_options.BaseDelay, _options.MaxDelay, failures);
        }

        _metrics?.QueueRetries.WithLabels(_name).Inc();
        var overall = _bucket.Reserve();
        AddAfter(key, perKey > overall ? perKey : overall);
    }

    /// <summary>Clears the key's failure count (call after a successful reconcile).</summary>
    public void Forget(TKey key)
    {
        lock (_gate)
        {
            _failures.Remove(key);
        }
    }

    /// <summary>How many times the key was re-added with <see cref="AddRateLimited"/> since the last <see cref="Forget"/>.</summary>
    public int NumRequeues(TKey key)
    {
        lock (_gate)
        {
            return _failures.GetValueOrDefault(key);
        }
    }

    /// <summary>
    /// Waits for the next key. Returns (false, default) once the queue is shut down. The caller must
    /// call <see cref="Done"/> with the key when finished.
    /// </summary>
    public async Task<(bool Ok, TKey Key)> GetAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            await _available.WaitAsync(cancellationToken).ConfigureAwait(false);
            lock (_gate)
            {
                if (_shuttingDown)
                {
                    // Keep waking the other waiters.
                    _available.Release();
                    return (false, default!);
                }

                if (_queue.Count == 0)
                {
                    continue;
                }

                var key = _queue.Dequeue();
                _dirty.Remove(key);
                _processing.Add(key);
                _metrics?.QueueDepth.WithLabels(_name).Set(_queue.Count);
                return (true, key);
            }
        }
    }

    /// <summary>Marks the key finished; if it was re-added meanwhile, it is queued again now.</summary>
    public void Done(TKey key)
    {
        lock (_gate)
        {
            _processing.Remove(key);
            if (_dirty.Contains(key) && !_shuttingDown)
            {
                Enqueue(key);
            }
        }
    }

    /// <summary>Stops handing out keys; waiting <see cref="GetAsync"/> calls return false; pending timers are dropped.</summary>
    public void ShutDown()
    {
        lock (_gate)
        {
            if (_shuttingDown)
            {
                return;
            }

            _shuttingDown = true;
            foreach (var timer in _timers)
            {
                timer.Dispose();
            }

            _timers.Clear();
            _available.Release();
        }
    }

    public void Dispose()
    {
        ShutDown();
        _available.Dispose();
    }

    private void Enqueue(TKey key)
    {
        _queue.Enqueue(key);
        _metrics?.QueueDepth.WithLabels(_name).Set(_queue.Count);
        _available.Release();
    }
}
