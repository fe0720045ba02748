using System.Diagnostics;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Prometheus;
using SlmFleet.Api.V1Alpha1;
using SlmFleet.Operator.Hosting;
using SlmFleet.Operator.Runtime;
using SlmFleet.Operator.SlmDeployments;
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
        await using var server = await ApiServerProcess.StartAsync();
        var config = new KubernetesClientConfiguration { Host = server.Url };
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
        await server.ResetAsync();

        // Phase 1: create every object at once (32 in flight) and wait until each is converged.
        var clock = Stopwatch.StartNew();
        await CreateAllAsync(benchClient);
        _log.WriteLine($"created {_objects} SlmDeployments in {clock.Elapsed.TotalSeconds:F1} s");
        await WaitAsync(() => server.ConvergedAsync(Namespace, _objects), "every SlmDeployment converged");
        var convergeSeconds = clock.Elapsed.TotalSeconds;
        var counts = await server.RequestsAsync();
        var operatorRequests = counts.Total - counts.SlmDeploymentCreates;
        _log.WriteLine($"converged in {convergeSeconds:F1} s; operator requests {operatorRequests}: " +
            string.Join(", ", counts.ByVerbAndResource.Select(p => $"{p.Key}={p.Value}")));

        // Phase 2: let trailing events settle, then count writes during one full resync of every object.
        await Task.Delay(TimeSpan.FromSeconds(2));
        await server.ResetAsync();
        var before = Interlocked.Read(ref _reconciles);
        await WaitAsync(() => Task.FromResult(Interlocked.Read(ref _reconciles) - before >= _objects), "a full resync reconciled every object");
        var steady = await server.RequestsAsync();
        _log.WriteLine($"full resync: {Interlocked.Read(ref _reconciles) - before} reconciles, {steady.Writes} writes, {steady.Total} requests");

        await stop.CancelAsync();
        await running;
        var operatorRss = PeakMemory.Megabytes();
        _log.WriteLine($"peak RSS: operator process {operatorRss:F1} MB, API test server process {await server.PeakRssMbAsync():F1} MB");
        return new OperatorBenchmarkResult(
            _objects,
            Math.Round(convergeSeconds, 2),
            Math.Round(operatorRequests / (double)_objects, 2),
            steady.Writes,
            Math.Round(operatorRss, 1));
    }

    private async Task CreateAllAsync(Kubernetes client)
    {
        using var gate = new SemaphoreSlim(32);
        var tasks = Enumerable.Range(0, _objects).Select(async i =>
        {
            await gate.WaitAsync();
            try
            {
                await client.CustomObjects.CreateNamespacedCustomObjectAsync<V1Alpha1SlmDeployment>(
                    Resource(i), SlmDeploymentResource.Group, SlmDeploymentResource.Version, Namespace, SlmDeploymentResource.Plural);
            }
            finally
            {
                gate.Release();
            }
        });
        await Task.WhenAll(tasks);
    }

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

    // A mix of the catalog's accelerators, as a real fleet would have.
    private static V1Alpha1SlmDeployment Resource(int i) => new()
    {
        Metadata = new V1ObjectMeta { Name = $"slm-{i:D4}", NamespaceProperty = Namespace },
        Spec = new SlmDeploymentSpec
        {
            Model = new ModelSpec
            {
                Name = $"model-{i:D4}",
                Source = new ModelSourceSpec { Uri = "hf://onnx-community/Qwen2.5-1.5B-Instruct" },
                ParametersBillions = 1.54,
                Quantization = "int4",
                ContextLength = 4096,
                Architecture = new ModelArchitectureSpec { Layers = 28, KvHeads = 2, HeadSize = 128 },
            },
            Accelerator = new AcceleratorSpec { Type = (i % 4) switch { 0 => "nvidia-t4", 1 => "nvidia-a10g", 2 => "nvidia-l4", _ => "cpu" } },
            MinReplicas = 1 + (i % 2),
            MaxReplicas = 4,
        },
    };
}
