using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Grpc.Core;
using Grpc.Net.Client;
using SlmFleet.Inference.V1;
using SlmFleet.Testing.Worker;

namespace SlmFleet.Bench.Worker;

/// <summary>
/// Overload (issue 8): a worker process whose capacity is MaxBatch running + MaxQueue waiting is
/// driven by a closed loop of clients at its capacity, then at 2× it (twice in a row, so a memory
/// trend would show), then at 4×, then at capacity again. Reports admitted requests' latency
/// percentiles, RESOURCE_EXHAUSTED refusals (and whether each carried the retry hint), other errors,
/// and the worker process's resident set (peak per phase, sampled every 50 ms). The worker runs as
/// its own process (<c>slm-worker serve</c>, as in a pod) so the memory figures are the worker's
/// alone. Writes worker-overload.{json,md} (bench/results, or .run/bench-quick for a quick run).
/// </summary>
internal static class WorkerOverload
{
    private const int MaxBatch = 8;
    private const int MaxQueue = 8;
    private const int Capacity = MaxBatch + MaxQueue;
    private const int NewTokens = 16;
    private static readonly TimeSpan Phase = TimeSpan.FromSeconds(6);

    public static async Task RunAsync(string resultsDirectory, string modelDirectory)
    {
        var workerDll = WorkerProcess.DefaultWorkerDll();
        await using var worker = await WorkerProcess.StartAsync(workerDll, modelDirectory, TimeSpan.FromMinutes(3),
            "--execution-provider", "cpu", "--max-batch", MaxBatch.ToString(CultureInfo.InvariantCulture), "--max-queue", MaxQueue.ToString(CultureInfo.InvariantCulture),
            "--warmup-prompt", "Hello, how are you?");
        await using var memory = new ResidentMemorySampler(worker.ProcessId, TimeSpan.FromMilliseconds(50));
        var warmMiB = memory.CurrentMiB();
        using var channel = GrpcChannel.ForAddress(worker.GrpcAddress);
        var client = new SlmFleet.Inference.V1.Inference.InferenceClient(channel);

        var phases = new List<(string Name, int Clients, PhaseResult Result)>();
        var plan = new[]
        {
            ("at capacity", Capacity),
            ("overload (2x)", 2 * Capacity),
            ("overload (2x), again", 2 * Capacity),
            ("overload (4x)", 4 * Capacity),
            ("recovery", Capacity),
        };
        // Not reported: the first seconds of load pay for JIT tiering and ONNX Runtime's first
        // allocations at each batch size, which would inflate the at-capacity baseline.
        await RunPhaseAsync(client, Capacity, memory, TimeSpan.FromSeconds(4));
        memory.TakePeakMiB();
        foreach (var (name, clients) in plan)
        {
            var result = await RunPhaseAsync(client, clients, memory, Phase);
            Console.WriteLine($"worker overload {name}: {clients} clients, {result.Admitted} admitted, p99 {result.P99:F1} ms, {result.Refused} refused ({result.RefusedWithoutHint} without hint), {result.Errors} other errors, worker RSS peak {result.PeakRssMiB:F1} MiB, end {result.EndRssMiB:F1} MiB");
            phases.Add((name, clients, result));
        }

        Write(resultsDirectory, warmMiB, phases);
    }

    private static async Task<PhaseResult> RunPhaseAsync(SlmFleet.Inference.V1.Inference.InferenceClient client, int clients, ResidentMemorySampler memory, TimeSpan length)
    {
        var latencies = new ConcurrentBag<double>();
        var refused = 0;
        var refusedWithoutHint = 0;
        var errors = 0;
        var deadline = Stopwatch.GetTimestamp() + (long)(length.TotalSeconds * Stopwatch.Frequency);
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async c =>
        {
            var r = 0;
            while (Stopwatch.GetTimestamp() < deadline)
            {
                var sent = Stopwatch.GetTimestamp();
                try
                {
                    using var call = client.Generate(new GenerateRequest
                    {
                        Prompt = "Classify the sentiment of: the delivery was quick.",
                        MaxNewTokens = NewTokens,
                        IgnoreEos = true,
                        Sampling = new SamplingParameters { Temperature = 0.7f, Seed = (ulong)((c * 100_000) + r++) },
                    });
                    while (await call.ResponseStream.MoveNext(CancellationToken.None))
                    {
                    }

                    latencies.Add(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
                }
                catch (RpcException ex) when (ex.StatusCode == StatusCode.ResourceExhausted)
                {
                    Interlocked.Increment(ref refused);
                    if (ex.Trailers.GetValue("retry-after-ms") is null)
                    {
                        Interlocked.Increment(ref refusedWithoutHint);
                    }

                    // A refused client comes back quickly, to keep the pressure at 2x.
                    await Task.Delay(10);
                }
                catch (RpcException)
                {
                    Interlocked.Increment(ref errors);
                }
            }
        }));

        var sorted = latencies.Order().ToList();
        double Percentile(double p) => sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
        return new PhaseResult(sorted.Count, sorted.Count / length.TotalSeconds, Percentile(0.5), Percentile(0.99), refused, refusedWithoutHint, errors, memory.TakePeakMiB(), memory.CurrentMiB());
    }

    private static void Write(string directory, double warmMiB, List<(string Name, int Clients, PhaseResult Result)> phases)
    {
        Directory.CreateDirectory(directory);
        var json = new JsonObject
        {
            ["max_batch"] = MaxBatch,
            ["max_queue"] = MaxQueue,
            ["new_tokens"] = NewTokens,
            ["phase_seconds"] = Phase.TotalSeconds,
            ["worker_rss_after_warmup_mib"] = Math.Round(warmMiB, 1),
            ["phases"] = new JsonArray([.. phases.Select(p => (JsonNode)new JsonObject
            {
                ["phase"] = p.Name,
                ["clients"] = p.Clients,
                ["admitted"] = p.Result.Admitted,
                ["admitted_per_second"] = Math.Round(p.Result.PerSecond, 1),
                ["p50_ms"] = Math.Round(p.Result.P50, 1),
                ["p99_ms"] = Math.Round(p.Result.P99, 1),
                ["resource_exhausted"] = p.Result.Refused,
                ["resource_exhausted_without_retry_hint"] = p.Result.RefusedWithoutHint,
                ["other_errors"] = p.Result.Errors,
                ["worker_rss_peak_mib"] = Math.Round(p.Result.PeakRssMiB, 1),
                ["worker_rss_end_mib"] = Math.Round(p.Result.EndRssMiB, 1),
            })]),
        };
        File.WriteAllText(Path.Combine(directory, "worker-overload.json"), json.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }) + "\n");

        var md = new StringBuilder();
        md.AppendLine("# Worker overload").AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Date: {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC. Machine: {ResultWriter.Machine()}.").AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"The worker benchmark's model, CPU, `--max-batch {MaxBatch} --max-queue {MaxQueue}` (capacity {Capacity} requests in flight), {NewTokens} new tokens per request, closed loop of N clients for {Phase.TotalSeconds:F0} s per phase after 4 s of unreported warm-up load (a refused client comes back after 10 ms). The worker is its own `slm-worker serve` process; its resident set (VmRSS) is sampled every 50 ms: {warmMiB:F1} MiB after warm-up, then the peak and end value of each phase.").AppendLine();
        md.AppendLine("| phase | clients | admitted/s | p50 ms | p99 ms | RESOURCE_EXHAUSTED | without retry hint | other errors | worker RSS peak MiB | worker RSS end MiB |");
        md.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var (name, clients, r) in phases)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {clients} | {r.PerSecond:F1} | {r.P50:F1} | {r.P99:F1} | {r.Refused} | {r.RefusedWithoutHint} | {r.Errors} | {r.PeakRssMiB:F1} | {r.EndRssMiB:F1} |");
        }

        File.WriteAllText(Path.Combine(directory, "worker-overload.md"), md.ToString());
        Console.WriteLine(md.ToString());
    }

    private sealed record PhaseResult(int Admitted, double PerSecond, double P50, double P99, int Refused, int RefusedWithoutHint, int Errors, double PeakRssMiB, double EndRssMiB);
}
