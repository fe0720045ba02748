using SlmFleet.Testing.Logging;
using k8s;
using Microsoft.Extensions.Logging;
using Prometheus;
using SlmFleet.Operator.Hosting;
using SlmFleet.Operator.Runtime;
using SlmFleet.Operator.Tests.Infrastructure;

namespace SlmFleet.Operator.Tests.Reliability;

/// <summary>
/// One operator process as <c>slm-operator run</c> wires it (informers, queue, SlmDeployment
/// reconciler, optionally leader election) against the API test server, with every log entry recorded
/// and its own metrics registry. Stop it at any moment to simulate a crash mid-reconcile.
/// </summary>
internal sealed class OperatorUnderTest : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Kubernetes _client;
    private readonly ILoggerFactory _loggers;
    private Task _running = Task.CompletedTask;
    private long _applied;
    private int _disposed;

    public OperatorUnderTest(string url, RecordingLoggerProvider logs, string? identity = null)
    {
        _client = new Kubernetes(new KubernetesClientConfiguration { Host = url });
        _loggers = LoggerFactory.Create(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
        Registry = Metrics.NewCustomRegistry();
        var options = new ManagerOptions
        {
            Informers = new InformerOptions { InitialBackoff = TimeSpan.FromMilliseconds(20), MaxBackoff = TimeSpan.FromMilliseconds(500) },
            LeaderElection = identity is null ? null : new LeaderElectionOptions
            {
                LeaseName = "slm-operator",
                LeaseNamespace = "slm-system",
                Identity = identity,
                LeaseDuration = TimeSpan.FromSeconds(2),
                RenewDeadline = TimeSpan.FromSeconds(1),
                RetryPeriod = TimeSpan.FromMilliseconds(200),
            },
        };
        Manager = new ControllerManager(_client, options, TimeProvider.System, _loggers, new RuntimeMetrics(Registry));
        var (_, reconciler) = OperatorHost.AddSlmDeploymentController(Manager, _client, new OperatorHostOptions(), Registry, _loggers, new CreateOrReplaceWriter(_client));
        reconciler.PlanApplied = _ => Interlocked.Increment(ref _applied);
    }

    public ControllerManager Manager { get; }

    public CollectorRegistry Registry { get; }

    /// <summary>Reconciles that reached the apply step.</summary>
    public long Applied => Interlocked.Read(ref _applied);

    public void Start() => _running = Task.Run(() => Manager.RunAsync(_stop.Token));

    public async Task<string> MetricsTextAsync()
    {
        using var stream = new MemoryStream();
        await Registry.CollectAndExportAsTextAsync(stream);
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>Stops the process where it is (in-flight reconciles are cancelled, as a killed pod's would be).</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _stop.CancelAsync();
        try
        {
            await _running.WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch (OperationCanceledException)
        {
            // Cancelled mid-flight: exactly the crash being simulated.
        }

        _client.Dispose();
        _loggers.Dispose();
        _stop.Dispose();
    }
}
