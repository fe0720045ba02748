using System.Globalization;
using k8s.Autorest;

namespace SlmFleet.Operator.RoutingPolicies;

/// <summary>
/// Every <see cref="RoutingPolicyOptions.UsageInterval"/>, reads the routers' counters, folds them into
/// this month's totals (<see cref="UsageLedger"/>) and publishes a snapshot the reconciler reads.
/// Only the leader collects (standbys would only duplicate the reads).
/// <para>
/// Each leadership term (the first one starts with the process) gets a fresh ledger, seeded at its first
/// read from the RoutingPolicy statuses as they are then (<see cref="UsageSeeds"/>): what the previous
/// operator or leader counted this month is kept, not counted again. A ledger kept from an earlier term
/// would miss what the other leader counted from routers that restarted meanwhile; the statuses hold it.
/// </para>
/// </summary>
internal sealed class RouterUsageCollector
{
    private static readonly TimeSpan StandbyPoll = TimeSpan.FromSeconds(1);

    private readonly IRouterUsageSource _source;
    private readonly TimeProvider _time;
    private readonly TimeSpan _interval;
    private readonly Func<bool> _isLeader;
    private readonly Func<IReadOnlyDictionary<(string Namespace, string Model), PolicyUsage>?> _seeds;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private UsageLedger? _ledger;
    private volatile IReadOnlyDictionary<(string Namespace, string Model), PolicyUsage>? _snapshot;
    private long _collections;

    /// <param name="source">Where the routers' pages come from.</param>
    /// <param name="time">The clock that names the month.</param>
    /// <param name="interval">How often usage is read.</param>
    /// <param name="isLeader">Whether this process collects now.</param>
    /// <param name="seeds">The statuses' totals to start a ledger from; null while they are not known yet (the cache has not synced), which delays the first read.</param>
    /// <param name="logger">Logger.</param>
    public RouterUsageCollector(IRouterUsageSource source, TimeProvider time, TimeSpan interval, Func<bool> isLeader,
        Func<IReadOnlyDictionary<(string Namespace, string Model), PolicyUsage>?> seeds, ILogger<RouterUsageCollector> logger)
    {
        _source = source;
        _time = time;
        _interval = interval;
        _isLeader = isLeader;
        _seeds = seeds;
        _logger = logger;
    }

    /// <summary>How often usage is read; the reconciler re-plans each policy at the same pace.</summary>
    public TimeSpan Interval => _interval;

    /// <summary>Completed collections (tests wait on it).</summary>
    public long Collections => Interlocked.Read(ref _collections);

    /// <summary>
    /// This month's usage of a model alias in a namespace: zero usage once the routers were read and
    /// did not mention it, null before the first read of this leadership term.
    /// </summary>
    public PolicyUsage? Get(string ns, string model)
    {
        var snapshot = _snapshot;
        if (snapshot is null)
        {
            return null;
        }

        return snapshot.TryGetValue((ns, model), out var usage) ? usage : new PolicyUsage { Month = Month(_time.GetUtcNow()) };
    }

    /// <summary>Collects every interval while leading, until cancelled (then returns without throwing).</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var wasLeading = false;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var leading = _isLeader();
                if (leading && !wasLeading)
                {
                    StartTerm();
                }

                wasLeading = leading;
                if (leading)
                {
                    try
                    {
                        await CollectOnceAsync(cancellationToken).ConfigureAwait(false);
                    }
                    catch (Exception e) when (e is HttpOperationException or HttpRequestException)
                    {
                        // Logged by the source; the previous snapshot stays until the next read.
                    }
                }

                // A standby (or a process whose manager is still starting) looks again soon, so the
                // first read after gaining leadership does not wait a whole interval; so does a leader
                // whose ledger is not started yet (statuses not cached yet).
                var started = leading && Volatile.Read(ref _ledger) is not null;
                await Task.Delay(started ? _interval : Min(_interval, StandbyPoll), _time, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Normal stop.
        }
    }

    /// <summary>
    /// Reads every router once and publishes the month's totals. The first read of a term starts the
    /// ledger from the statuses; until they are known nothing is read.
    /// </summary>
    public async Task CollectOnceAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _ledger) is null && _seeds() is null)
        {
            RoutingPolicyLog.WaitingForStatuses(_logger);
            return;
        }

        var scrape = await _source.ReadAsync(cancellationToken).ConfigureAwait(false);
        lock (_gate)
        {
            var month = Month(_time.GetUtcNow());
            if (_ledger is null)
            {
                var seeds = _seeds() ?? new Dictionary<(string Namespace, string Model), PolicyUsage>();
                _ledger = new UsageLedger(seeds);
                var seeded = seeds.Values.Count(s => s.Month == month);
                RoutingPolicyLog.LedgerStarted(_logger, month, seeded, scrape.Pages.Count, scrape.Unreached.Count);
            }

            var totals = _ledger.Record(month, scrape.Pages, scrape.Unreached);
            _snapshot = totals;
            Interlocked.Increment(ref _collections);
            RoutingPolicyLog.Collected(_logger, scrape.Pages.Count, month, totals.Count, _ledger.LastSkipped);
        }
    }

    /// <summary>Forgets the previous term's ledger and snapshot: until the first read, reconciles keep the statuses as they are.</summary>
    private void StartTerm()
    {
        lock (_gate)
        {
            _ledger = null;
            _snapshot = null;
        }
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    public static string Month(DateTimeOffset now) => now.UtcDateTime.ToString("yyyy-MM", CultureInfo.InvariantCulture);
}
