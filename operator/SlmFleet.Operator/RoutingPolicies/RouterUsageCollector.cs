using System.Globalization;
using k8s.Autorest;

namespace SlmFleet.Operator.RoutingPolicies;

/// <summary>
/// Every <see cref="RoutingPolicyOptions.UsageInterval"/>, reads the routers' counters, folds them into
/// this month's totals (<see cref="UsageLedger"/>) and publishes a snapshot the reconciler reads.
/// Only the leader collects (standbys would only duplicate the reads).
/// </summary>
internal sealed class RouterUsageCollector
{
    private static readonly TimeSpan StandbyPoll = TimeSpan.FromSeconds(1);

    private readonly IRouterUsageSource _source;
    private readonly TimeProvider _time;
    private readonly TimeSpan _interval;
    private readonly Func<bool> _isLeader;
    private readonly ILogger _logger;
    private readonly UsageLedger _ledger = new();
    private volatile IReadOnlyDictionary<(string Namespace, string Model), PolicyUsage>? _snapshot;
    private long _collections;

    public RouterUsageCollector(IRouterUsageSource source, TimeProvider time, TimeSpan interval, Func<bool> isLeader, ILogger<RouterUsageCollector> logger)
    {
        _source = source;
        _time = time;
        _interval = interval;
        _isLeader = isLeader;
        _logger = logger;
    }

    /// <summary>How often usage is read; the reconciler re-plans each policy at the same pace.</summary>
    public TimeSpan Interval => _interval;

    /// <summary>Completed collections (tests wait on it).</summary>
    public long Collections => Interlocked.Read(ref _collections);

    /// <summary>
    /// This month's usage of a model alias in a namespace: zero usage once the routers were read and
    /// did not mention it, null before the first read.
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
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var leading = _isLeader();
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
                // first read after gaining leadership does not wait a whole interval.
                await Task.Delay(leading ? _interval : Min(_interval, StandbyPoll), _time, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Normal stop.
        }
    }

    /// <summary>Reads every router once and publishes the month's totals.</summary>
    public async Task CollectOnceAsync(CancellationToken cancellationToken)
    {
        var routers = await _source.ReadAsync(cancellationToken).ConfigureAwait(false);
        lock (_ledger)
        {
            var month = Month(_time.GetUtcNow());
            var totals = _ledger.Record(month, routers);
            _snapshot = totals;
            Interlocked.Increment(ref _collections);
            RoutingPolicyLog.Collected(_logger, routers.Count, month, totals.Count, _ledger.LastSkipped);
        }
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    public static string Month(DateTimeOffset now) => now.UtcDateTime.ToString("yyyy-MM", CultureInfo.InvariantCulture);
}
