using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using k8s;
using Microsoft.Extensions.Logging.Abstractions;
using Prometheus;
using SlmFleet.Operator.Hosting;
using SlmFleet.Operator.Runtime;
using SlmFleet.Operator.Tests.Infrastructure;

namespace SlmFleet.Bench.Operator;

/// <summary>
/// N SlmDeployments created at once against the in-process Kubernetes API test server, with the
/// controller wired exactly as <c>slm-operator run</c> wires it. Measures time to converge, the
/// operator's API requests per object, writes during one full resync at steady state, and the
/// operator's peak RSS (the API test server runs in a child process, see <see cref="ApiServerHost"/>).
/// </summary>
internal sealed class OperatorBenchmark
{
    private const string Namespace = "bench";
    private static readonly TimeSpan ConvergeTimeout = TimeSpan.FromMinutes(5);

    private readonly int _objects;
    private readonly TextWriter _log;
    private long _reconciles;

    public OperatorBenchmark(int objects, TextWriter log)
    {
        _objects = objects;
        _log = log;
    }

    public async Task<OperatorBenchmarkResult> RunAsync()
    {
        await using var server = BenchChildProcess.Start(ApiServerHost.Flag);
        var config = new KubernetesClientConfiguration { Host = await server.AskAsync("url") };
        using var operatorClient = new Kubernetes(config);
        using var benchClient = new Kubernetes(config);

        var registry = Metrics.NewCustomRegistry();
        // Resync is what the steady-state phase measures; 20 s keeps it out of the converge phase.
        var manager = new ControllerManager(operatorClient, new ManagerOptions { Informers = new InformerOptions { ResyncPeriod = TimeSpan.FromSeconds(20) } },
            TimeProvider.System, NullLoggerFactory.Instance, new RuntimeMetrics(registry));
        var (_, reconciler) = OperatorHost.AddSlmDeploymentController(manager, operatorClient, new OperatorHostOptions(), registry, NullLoggerFactory.Instance, new CreateOrReplaceWriter(operatorClient));
        reconciler.PlanApplied = _ => Interlocked.Increment(ref _reconciles);
        using var stop = new CancellationTokenSource();
        var running = Task.Run(() => manager.RunAsync(stop.Token));
        await manager.WaitForSyncAsync(CancellationToken.None);
        await server.AskAsync("reset");

        // Phase 1: create every object at once (32 in flight) and wait until each is converged.
        var clock = Stopwatch.StartNew();
        await BenchFleet.CreateAllAsync(benchClient, Namespace, _objects, i => 1 + (i % 2));
        _log.WriteLine($"created {_objects} SlmDeployments in {clock.Elapsed.TotalSeconds:F1} s");
        await WaitAsync(async () => await server.AskAsync(string.Create(CultureInfo.InvariantCulture, $"converged {Namespace} {_objects}")) == "true", "every SlmDeployment converged");
        var convergeSeconds = clock.Elapsed.TotalSeconds;
        var counts = await RequestsAsync(server);
        var operatorRequests = counts.Total - counts.SlmDeploymentCreates;
        _log.WriteLine($"converged in {convergeSeconds:F1} s; operator requests {operatorRequests}: " +
            string.Join(", ", counts.ByVerbAndResource.Select(p => $"{p.Key}={p.Value}")));

        // Phase 2: let trailing events settle, then count writes during one full resync of every object.
        await Task.Delay(TimeSpan.FromSeconds(2));
        await server.AskAsync("reset");
        var before = Interlocked.Read(ref _reconciles);
        await WaitAsync(() => Task.FromResult(Interlocked.Read(ref _reconciles) - before >= _objects), "a full resync reconciled every object");
        var steady = await RequestsAsync(server);
        _log.WriteLine($"full resync: {Interlocked.Read(ref _reconciles) - before} reconciles, {steady.Writes} writes, {steady.Total} requests");

        await stop.CancelAsync();
        await running;
        var operatorRss = PeakMemory.Megabytes();
        _log.WriteLine($"peak RSS: operator process {operatorRss:F1} MB, API test server process {await server.AskAsync("rss")} MB");
        return new OperatorBenchmarkResult(
            _objects,
            Math.Round(convergeSeconds, 2),
            Math.Round(operatorRequests / (double)_objects, 2),
            steady.Writes,
            Math.Round(operatorRss, 1));
    }

    private static async Task<RequestCounts> RequestsAsync(BenchChildProcess server) =>
        JsonSerializer.Deserialize<RequestCounts>(await server.AskAsync("requests")) ?? throw new InvalidOperationException("no request counts");

    private static async Task WaitAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = Stopwatch.StartNew();
        while (!await condition())
        {
            if (deadline.Elapsed > ConvergeTimeout)
            {
                throw new TimeoutException($"benchmark gave up waiting for: {what}");
            }

            await Task.Delay(500);
        }
    }
}
