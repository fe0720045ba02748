namespace SlmFleet.Testing.Kubernetes;

/// <summary>
/// Faults the <see cref="KubeApiTestServer"/> injects, changeable while it runs: random 500/429
/// answers per verb (429 with <c>Retry-After</c>), forced 409 conflicts on writes, watch streams cut
/// after N events, a forced <c>410 Gone</c> on the next watches, and a delay before every request.
/// Randomness comes from a seeded <see cref="Random"/> so fault runs are repeatable.
/// </summary>
public sealed class FaultInjector
{
    private readonly object _gate = new();
    private readonly Random _random;
    private readonly Dictionary<ApiVerb, double> _errorRates = [];
    private int _forcedConflicts;
    private int _forcedGoneWatches;
    private long _injected;

    internal FaultInjector(int seed) => _random = new Random(seed);

    /// <summary>Status codes a random error is drawn from; 429 answers carry <c>Retry-After</c>.</summary>
    public IReadOnlyList<int> ErrorStatusCodes { get; set; } = [500, 429];

    /// <summary>The <c>Retry-After</c> seconds sent with 429 answers.</summary>
    public int RetryAfterSeconds { get; set; } = 1;

    /// <summary>When set, every watch stream is closed by the server after this many events (bookmarks excluded).</summary>
    public int? CutWatchesAfterEvents { get; set; }

    /// <summary>Added before every request is handled (after it is counted).</summary>
    public TimeSpan Delay { get; set; }

    /// <summary>How many faults (errors, conflicts, 410s) were injected so far; cut watches are not counted.</summary>
    public long InjectedFaults => Interlocked.Read(ref _injected);

    /// <summary>Answers this fraction (0..1) of requests with this verb with a random error from <see cref="ErrorStatusCodes"/>.</summary>
    public void SetErrorRate(ApiVerb verb, double rate)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rate, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(rate, 1);
        lock (_gate)
        {
            _errorRates[verb] = rate;
        }
    }

    /// <summary>Sets the same error rate for every verb.</summary>
    public void SetErrorRate(double rate)
    {
        foreach (var verb in Enum.GetValues<ApiVerb>())
        {
            SetErrorRate(verb, rate);
        }
    }

    /// <summary>The next <paramref name="count"/> update and patch requests (any subresource) get 409 Conflict.</summary>
    public void ForceConflicts(int count)
    {
        lock (_gate)
        {
            _forcedConflicts += count;
        }
    }

    /// <summary>The next <paramref name="count"/> watch requests get an ERROR event with a 410 Expired Status.</summary>
    public void ForceGoneOnNextWatch(int count = 1)
    {
        lock (_gate)
        {
            _forcedGoneWatches += count;
        }
    }

    /// <summary>Removes every fault: no errors, conflicts, cuts, 410s or delay.</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _errorRates.Clear();
            _forcedConflicts = 0;
            _forcedGoneWatches = 0;
            CutWatchesAfterEvents = null;
            Delay = TimeSpan.Zero;
        }
    }

    internal int? NextError(ApiVerb verb)
    {
        lock (_gate)
        {
            if (!_errorRates.TryGetValue(verb, out var rate) || rate <= 0 || _random.NextDouble() >= rate)
            {
                return null;
            }

            var codes = ErrorStatusCodes;
            Interlocked.Increment(ref _injected);
            return codes.Count == 0 ? 500 : codes[_random.Next(codes.Count)];
        }
    }

    internal bool TakeConflict(ApiVerb verb)
    {
        if (verb is not (ApiVerb.Update or ApiVerb.Patch))
        {
            return false;
        }

        lock (_gate)
        {
            if (_forcedConflicts <= 0)
            {
                return false;
            }

            _forcedConflicts--;
            Interlocked.Increment(ref _injected);
            return true;
        }
    }

    internal bool TakeGone()
    {
        lock (_gate)
        {
            if (_forcedGoneWatches <= 0)
            {
                return false;
            }

            _forcedGoneWatches--;
            Interlocked.Increment(ref _injected);
            return true;
        }
    }
}
