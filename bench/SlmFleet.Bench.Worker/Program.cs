using System.Globalization;
using System.Text.Json.Nodes;
using Grpc.Net.Client;
using SlmFleet.Bench.Worker;
using SlmFleet.Worker.Hosting;
using SlmFleet.Worker.Model;
using SlmFleet.Worker.ModelBuilder;

// Worker benchmark: builds the small model, serves it in-process over real gRPC, and measures
// decode throughput at concurrency 1, 4 and 16, time to first token, and the batch-1 ratio to
// the memory-bandwidth bound (weight bytes × tokens/s ÷ copy bandwidth measured in this run).
const int NewTokens = 64;
var root = FindRepositoryRoot();
var modelDirectory = Path.Combine(root, ".models", "bench-small");
Console.WriteLine($"building the small model in {modelDirectory} ...");
var weightBytes = ModelFolderWriter.Write(modelDirectory, ModelPreset.Small, seed: 42);
if (args is ["overload"])
{
    // `dotnet run -c Release --project bench/SlmFleet.Bench.Worker -- overload`: only the overload run.
    await WorkerOverload.RunAsync(root, modelDirectory);
    return 0;
}

var copy = new CopyBandwidth();
var engineOnly = EngineOnly.DecodeTokensPerSecond(modelDirectory, 128);
var engineOnly16 = EngineOnly.DecodeTokensPerSecond(modelDirectory, 64, batch: 16);
Console.WriteLine($"engine only, batch 16: {engineOnly16:F1} tok/s");

await using var host = await WorkerHost.StartAsync(
    new WorkerOptions
    {
        ModelDirectory = modelDirectory,
        ExecutionProvider = ExecutionProviderChoice.Cpu,
        MaxBatch = 16,
        MaxQueue = 64,
        WarmupPrompts = ["Hello, how are you?", "The quick brown fox jumps over the lazy dog."],
        LogLevel = Microsoft.Extensions.Logging.LogLevel.Warning,
    },
    CancellationToken.None);
await host.WaitUntilWarmAsync(CancellationToken.None);
using var channel = GrpcChannel.ForAddress(host.GrpcAddress);

// The cores may be shared with other work: each phase runs Repeats times and keeps its fastest
// run, and the copy bandwidth is the best of the measurements taken around the batch-1 runs
// (best-of-N on both sides of the ratio). TTFT percentiles use every request of every run.
const int Repeats = 3;
var loads = new List<LoadResult>();
var allTtft = new List<double>();
var bandwidths = new List<double> { copy.MeasureGigabytesPerSecond() };
foreach (var (concurrency, requests) in new[] { (1, 4), (4, 2), (16, 2) })
{
    LoadResult? best = null;
    for (var repeat = 0; repeat < Repeats; repeat++)
    {
        var load = await LoadGenerator.RunAsync(channel, concurrency, requests, NewTokens);
        allTtft.AddRange(load.TtftMilliseconds);
        Console.WriteLine($"c{concurrency} run {repeat + 1}: {load.Tokens} tokens in {load.Seconds:F2} s = {load.TokensPerSecond:F1} tok/s");
        best = best is null || load.TokensPerSecond > best.TokensPerSecond ? load : best;
        if (concurrency == 1)
        {
            bandwidths.Add(copy.MeasureGigabytesPerSecond());
        }
    }

    loads.Add(best!);
}

var bandwidth = bandwidths.Max();
Console.WriteLine($"copy bandwidth measurements: {string.Join(", ", bandwidths.Select(b => b.ToString("F2", CultureInfo.InvariantCulture)))} GB/s; using the best, {bandwidth:F2}");

var ttft = allTtft.Order().ToList();
double Percentile(double p) => ttft[Math.Min(ttft.Count - 1, (int)Math.Ceiling(p * ttft.Count) - 1)];
var tpsC1 = loads[0].TokensPerSecond;
var results = new JsonObject
{
    ["model_weight_bytes"] = weightBytes,
    ["copy_bandwidth_gbps"] = Math.Round(bandwidth, 3),
    ["tps_c1"] = Math.Round(tpsC1, 2),
    ["tps_c4"] = Math.Round(loads[1].TokensPerSecond, 2),
    ["tps_c16"] = Math.Round(loads[2].TokensPerSecond, 2),
    ["ttft_p50_ms"] = Math.Round(Percentile(0.50), 2),
    ["ttft_p99_ms"] = Math.Round(Percentile(0.99), 2),
    ["bound_ratio_c1"] = Math.Round(weightBytes * tpsC1 / (bandwidth * 1e9), 3),
};
ResultWriter.Write(root, results, loads, engineOnly, engineOnly16);
Console.WriteLine(results.ToJsonString());
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"c16/c1 = {loads[2].TokensPerSecond / tpsC1:F2}"));

// Overload (issue 8): the same model behind a worker with a small batch and queue, at 1x and 2x its capacity.
await WorkerOverload.RunAsync(root, modelDirectory);
return 0;

static string FindRepositoryRoot()
{
    foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
    {
        for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Operator.sln")))
            {
                return directory.FullName;
            }
        }
    }

    throw new InvalidOperationException("Operator.sln not found above the working directory");
}
