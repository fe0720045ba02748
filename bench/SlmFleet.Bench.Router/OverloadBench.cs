using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using SlmFleet.Testing;
using SlmFleet.Testing.OpenAi;
using SlmFleet.Testing.Worker;

namespace SlmFleet.Bench.Router;

/// <summary>
/// Overload runs (issue 8), each a closed loop in phases: warm-up, at or under capacity, 2× capacity,
/// and recovery. Reports, per phase, the p50/p99 of the requests that were admitted, how many were
/// refused with 429 (and whether each carried Retry-After), other statuses, and the peak resident set
/// of the router (and the workers). Two scenarios:
/// <list type="bullet">
/// <item>router limit: the router as its own process with <c>--max-concurrent-requests 32</c> in front
/// of an LLM upstream that takes 50 ms per answer;</item>
/// <item>full fleet: the router in front of two real <c>slm-worker</c> processes (tiny model, batch 4 +
/// queue 4 each, so 16 in flight), escalation off: when every replica answers RESOURCE_EXHAUSTED the
/// router must answer 429 <c>slm_overloaded</c> with the workers' retry hint.</item>
/// </list>
/// Writes bench/results/router-overload.json and .md. Entry point: <see cref="RunAsync"/>.
/// </summary>
internal static class OverloadBench
{
    private const int RouterCapacity = 32;
    private const int WorkerBatch = 4;
    private const int WorkerQueue = 4;
    private const int FleetCapacity = 2 * (WorkerBatch + WorkerQueue);
    private static readonly TimeSpan Phase = TimeSpan.FromSeconds(5);

    // Not reported: JIT tiering and the workers' first allocations at each batch size would inflate the first phase.
    private static readonly TimeSpan Warmup = TimeSpan.FromSeconds(5);

    public static async Task<int> RunAsync()
    {
        var root = TestPaths.RepositoryRoot;
        var workDir = Path.Combine(Path.GetTempPath(), "slm-bench-overload-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(workDir);
        try
        {
            var routerLimit = await RouterLimitAsync(root, workDir);
            var fleet = await FullFleetAsync(root, workDir);
            if (routerLimit is null || fleet is null)
            {
                return 1;
            }

            Write(root, routerLimit, fleet);
            return 0;
        }
        finally
        {
            Directory.Delete(workDir, recursive: true);
        }
    }

    private static async Task<List<JsonObject>?> RouterLimitAsync(string root, string workDir)
    {
        await using var upstream = await OpenAiTestServer.StartAsync(record: false);
        upstream.Latency = TimeSpan.FromMilliseconds(50);
        var policies = Path.Combine(workDir, "router-limit.yaml");
        await File.WriteAllTextAsync(policies, RouterUnderTest.LlmOnlyPolicies(upstream.BaseUrl));
        var body = Encoding.UTF8.GetBytes("""{"model":"bench","messages":[{"role":"user","content":"Classify: the delivery was quick."}],"max_tokens":16}""");
        return await RunPhasesAsync(root, workDir, policies, RouterCapacity, body, RouterCapacity / 2, RouterCapacity * 2, []);
    }

    private static async Task<List<JsonObject>?> FullFleetAsync(string root, string workDir)
    {
        var workerDll = WorkerProcess.DefaultWorkerDll();
        var model = Path.Combine(workDir, "tiny-model");
        await WorkerProcess.MakeTinyModelAsync(workerDll, model, CancellationToken.None);
        string[] workerArguments = ["--execution-provider", "cpu", "--intra-op-threads", "1", "--warmup-prompt", "hello",
            "--max-batch", WorkerBatch.ToString(CultureInfo.InvariantCulture), "--max-queue", WorkerQueue.ToString(CultureInfo.InvariantCulture)];
        await using var workerA = await WorkerProcess.StartAsync(workerDll, model, TimeSpan.FromMinutes(2), workerArguments);
        await using var workerB = await WorkerProcess.StartAsync(workerDll, model, TimeSpan.FromMinutes(2), workerArguments);
        await using var llm = await OpenAiTestServer.StartAsync(record: false);
        var policies = Path.Combine(workDir, "fleet.yaml");
        await File.WriteAllTextAsync(policies, $$"""
            deployments:
              - name: fleet
                endpoints: ["{{workerA.GrpcAddress.ToString().TrimEnd('/')}}", "{{workerB.GrpcAddress.ToString().TrimEnd('/')}}"]
            policies:
              - modelAlias: fleet
                slm: { deploymentRef: { name: fleet }, timeoutMilliseconds: 30000 }
                llm: { baseUrl: "{{llm.BaseUrl}}", model: static, inputPricePerMillionTokens: 2.5, outputPricePerMillionTokens: 10 }
                escalation: { confidenceThreshold: 0, onUnavailable: false }
            """);
        var body = Encoding.UTF8.GetBytes("""{"model":"fleet","messages":[{"role":"user","content":"Classify: the delivery was quick."}],"max_tokens":24}""");
        // The router's own limit is far above the fleet's, so every refusal measured here is the fleet's.
        return await RunPhasesAsync(root, workDir, policies, 1024, body, FleetCapacity, FleetCapacity * 2, [workerA.ProcessId, workerB.ProcessId]);
    }

    /// <summary>Starts the router on <paramref name="policies"/>, then runs warm-up, capacity, 2× and recovery phases.</summary>
    private static async Task<List<JsonObject>?> RunPhasesAsync(string root, string workDir, string policies, int routerLimit, byte[] body, int baseClients, int overloadClients, int[] workerProcessIds)
    {
        var port = Peers.FreePort();
        var log = Path.Combine(workDir, Path.GetFileNameWithoutExtension(policies) + "-router.log");
        using var router = ChildProcess.Start("dotnet", [RouterUnderTest.Dll(root), "--policies", policies, "--listen", $"http://127.0.0.1:{port}", "--metrics-listen", $"http://127.0.0.1:{port}", "--log-level", "Warning", "--max-concurrent-requests", routerLimit.ToString(CultureInfo.InvariantCulture)], log);
        if (!await router.WaitForHttpAsync(new Uri($"http://127.0.0.1:{port}/healthz"), TimeSpan.FromSeconds(30)))
        {
            Console.Error.WriteLine($"router did not start; see {log}");
            return null;
        }

        var url = new Uri($"http://127.0.0.1:{port}/v1/chat/completions");
        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 1024, PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = TimeSpan.FromSeconds(30) };
        await using var routerMemory = new ResidentMemorySampler(router.Id, TimeSpan.FromMilliseconds(50));
        var workerMemory = workerProcessIds.Select(id => new ResidentMemorySampler(id, TimeSpan.FromMilliseconds(50))).ToList();
        try
        {
            var memory = new PhaseMemory(routerMemory, workerMemory);
            await PhaseAsync(client, url, body, baseClients, Warmup, memory);
            var phases = new List<JsonObject>
            {
                await PhaseAsync(client, url, body, baseClients, Phase, memory, workerProcessIds.Length == 0 ? "unloaded" : "at capacity"),
                await PhaseAsync(client, url, body, overloadClients, Phase, memory, "overload (2x)"),
                await PhaseAsync(client, url, body, baseClients, Phase, memory, "recovery"),
            };
            foreach (var phase in phases)
            {
                Console.WriteLine(phase.ToJsonString());
            }

            return phases;
        }
        finally
        {
            foreach (var sampler in workerMemory)
            {
                await sampler.DisposeAsync();
            }
        }
    }

    private static async Task<JsonObject> PhaseAsync(HttpClient client, Uri url, byte[] body, int clients, TimeSpan duration, PhaseMemory memory, string? name = null)
    {
        var admitted = new List<double>[clients];
        var refused = new int[clients];
        var refusedWithoutRetryAfter = new int[clients];
        var other = new int[clients];
        var stop = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async i =>
        {
            admitted[i] = [];
            while (stop.Elapsed < duration)
            {
                var started = Stopwatch.GetTimestamp();
                using var content = new ByteArrayContent(body);
                content.Headers.ContentType = new("application/json");
                using var response = await client.PostAsync(url, content);
                await response.Content.LoadIntoBufferAsync();
                var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                switch (response.StatusCode)
                {
                    case HttpStatusCode.OK:
                        admitted[i].Add(ms);
                        break;
                    case HttpStatusCode.TooManyRequests:
                        refused[i]++;
                        refusedWithoutRetryAfter[i] += response.Headers.RetryAfter is null ? 1 : 0;
                        // A well-behaved client backs off; a short pause keeps the loop from spinning on 429s.
                        await Task.Delay(10);
                        break;
                    default:
                        other[i]++;
                        break;
                }
            }
        }));
        var latencies = admitted.SelectMany(l => l).Order().ToArray();
        double Percentile(double p) => latencies.Length == 0 ? 0 : LatencyStats.NearestRank(latencies, p);
        var result = new JsonObject
        {
            ["phase"] = name ?? "warm-up",
            ["clients"] = clients,
            ["admitted"] = latencies.Length,
            ["admittedPerSecond"] = Math.Round(latencies.Length / duration.TotalSeconds, 1),
            ["p50Ms"] = Math.Round(Percentile(0.50), 1),
            ["p99Ms"] = Math.Round(Percentile(0.99), 1),
            ["refused429"] = refused.Sum(),
            ["refusedWithoutRetryAfter"] = refusedWithoutRetryAfter.Sum(),
            ["otherStatuses"] = other.Sum(),
            ["routerRssPeakMiB"] = Math.Round(memory.Router.TakePeakMiB(), 1),
        };
        if (memory.Workers.Count > 0)
        {
            result["workerRssPeakMiB"] = Math.Round(memory.Workers.Max(w => w.TakePeakMiB()), 1);
        }

        return result;
    }

    private static void Write(string root, List<JsonObject> routerLimit, List<JsonObject> fleet)
    {
        var results = Path.Combine(root, "bench", "results");
        Directory.CreateDirectory(results);
        var machine = BenchMachine.Description;
        var load = BenchMachine.LoadAverage;
        var date = DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
        var json = new JsonObject
        {
            ["date"] = date,
            ["machine"] = machine,
            ["loadAverage"] = load,
            ["phaseSeconds"] = Phase.TotalSeconds,
            ["routerLimit"] = new JsonObject { ["capacity"] = RouterCapacity, ["upstreamLatencyMs"] = 50, ["phases"] = new JsonArray([.. routerLimit]) },
            ["fullFleet"] = new JsonObject { ["workers"] = 2, ["maxBatch"] = WorkerBatch, ["maxQueue"] = WorkerQueue, ["capacity"] = FleetCapacity, ["phases"] = new JsonArray([.. fleet]) },
        };
        File.WriteAllText(Path.Combine(results, "router-overload.json"), json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        var md = new StringBuilder()
            .AppendLine("# Router overload")
            .AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"Date: {date}. Machine: {machine}. Load average: {load}.")
            .AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"Closed loop of N clients for {Phase.TotalSeconds:F0} s per phase after {Warmup.TotalSeconds:F0} s of unreported warm-up (a refused client pauses 10 ms). Memory: peak resident set (VmRSS, sampled every 50 ms) during the phase.")
            .AppendLine()
            .AppendLine("## Router limit")
            .AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"Router process with `--max-concurrent-requests {RouterCapacity}`, LLM upstream answering in 50 ms.")
            .AppendLine();
        Table(md, routerLimit, workers: false);
        md.AppendLine()
            .AppendLine("## Full fleet")
            .AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"Router in front of 2 `slm-worker` processes (tiny model, CPU, `--max-batch {WorkerBatch} --max-queue {WorkerQueue}`: {FleetCapacity} requests in flight across the fleet), escalation off, the router's own limit far above the fleet's.")
            .AppendLine();
        Table(md, fleet, workers: true);
        File.WriteAllText(Path.Combine(results, "router-overload.md"), md.ToString());
        Console.WriteLine(md.ToString());
    }

    private static void Table(StringBuilder md, List<JsonObject> phases, bool workers)
    {
        md.AppendLine("| phase | clients | admitted/s | p50 ms | p99 ms | 429 | 429 without Retry-After | other | router RSS peak MiB |" + (workers ? " worker RSS peak MiB |" : string.Empty))
            .AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |" + (workers ? " ---: |" : string.Empty));
        foreach (var p in phases)
        {
            var workerColumn = workers ? $" {p["workerRssPeakMiB"]} |" : string.Empty;
            md.AppendLine(CultureInfo.InvariantCulture, $"| {p["phase"]} | {p["clients"]} | {p["admittedPerSecond"]} | {p["p50Ms"]} | {p["p99Ms"]} | {p["refused429"]} | {p["refusedWithoutRetryAfter"]} | {p["otherStatuses"]} | {p["routerRssPeakMiB"]} |{workerColumn}");
        }
    }

    /// <summary>The samplers a phase reads its memory peaks from.</summary>
    private sealed record PhaseMemory(ResidentMemorySampler Router, List<ResidentMemorySampler> Workers);
}
