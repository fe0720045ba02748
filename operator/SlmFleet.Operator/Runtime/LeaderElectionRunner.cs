using k8s;
using k8s.LeaderElection;
using k8s.LeaderElection.ResourceLock;

namespace SlmFleet.Operator.Runtime;

/// <summary>
/// Campaigns for a Lease with KubernetesClient's <see cref="LeaderElector"/> and runs the given work
/// only while leading: the work's token is cancelled when leadership is lost, and the runner then
/// campaigns again. (LeaderElector times with the wall clock; it takes no TimeProvider.)
/// </summary>
internal sealed class LeaderElectionRunner
{
    private readonly IKubernetes _client;
    private readonly LeaderElectionOptions _options;
    private readonly ILogger _logger;
    private readonly RuntimeMetrics _metrics;
    private volatile bool _isLeader;

    public LeaderElectionRunner(IKubernetes client, LeaderElectionOptions options, ILogger logger, RuntimeMetrics metrics)
    {
        _client = client;
        _options = options;
        _logger = logger;
        _metrics = metrics;
    }

    public string Identity => _options.Identity;

    public bool IsLeader => _isLeader;

    /// <summary>Campaigns until <paramref name="cancellationToken"/> is cancelled, running <paramref name="whileLeader"/> during each term.</summary>
    public async Task RunAsync(Func<CancellationToken, Task> whileLeader, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(whileLeader);
        while (!cancellationToken.IsCancellationRequested)
        {
            await RunOneTermAsync(whileLeader, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task RunOneTermAsync(Func<CancellationToken, Task> whileLeader, CancellationToken cancellationToken)
    {
        var leaseLock = new LeaseLock(_client, _options.LeaseNamespace, _options.LeaseName, _options.Identity);
        var config = new LeaderElectionConfig(leaseLock)
        {
            LeaseDuration = _options.LeaseDuration,
            RenewDeadline = _options.RenewDeadline,
            RetryPeriod = _options.RetryPeriod,
        };
        using var elector = new LeaderElector(config);
        using var term = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Task? work = null;
        elector.OnStartedLeading += () =>
        {
            _isLeader = true;
            _metrics.IsLeader.Set(1);
            RuntimeLog.StartedLeading(_logger, _options.Identity, _options.LeaseNamespace, _options.LeaseName);
            work = Task.Run(() => whileLeader(term.Token), CancellationToken.None);
        };
        elector.OnStoppedLeading += () =>
        {
            _isLeader = false;
            _metrics.IsLeader.Set(0);
            RuntimeLog.StoppedLeading(_logger, _options.Identity, _options.LeaseNamespace, _options.LeaseName);
            term.Cancel();
        };
        elector.OnNewLeader += leader => RuntimeLog.NewLeader(_logger, _options.LeaseNamespace, _options.LeaseName, leader);
        elector.OnError += error => RuntimeLog.LeaderElectionError(_logger, error);
        try
        {
            await elector.RunUntilLeadershipLostAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutting down.
        }
        finally
        {
            _isLeader = false;
            _metrics.IsLeader.Set(0);
            await term.CancelAsync().ConfigureAwait(false);
            if (work is not null)
            {
                try
                {
                    await work.ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    // The work was told to stop.
                }
            }
        }
    }
}
