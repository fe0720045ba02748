using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using SlmFleet.Testing;
using SlmFleet.Testing.OpenAi;

namespace SlmFleet.Bench.Router;

/// <summary>
/// Overload run (issue 8): the router as its own process with <c>--max-concurrent-requests C</c> in
/// front of an upstream that takes a fixed time per answer. Phases of a closed loop: C/2 clients
/// (unloaded), 2×C clients (overload), C/2 again (recovery). Reports, per phase, the p50/p99 of the
/// requests that were admitted, how many were refused with 429 (and whether each carried
/// Retry-After), other statuses, and the router's working set. Writes
/// bench/results/router-overload.json and .md. Entry point: <see cref="RunAsync"/>.
/// </summary>
internal static class OverloadBench
{
    private const int Capacity = 32;

    public static async Task<int> RunAsync()
    {
        var phase = TimeSpan.FromSeconds(5);
        var root = TestPaths.RepositoryRoot;
        var workDir = Path.Combine(Path.GetTempPath(), "slm-bench-overload-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(workDir);
        await using var upstream = await OpenAiTestServer.StartAsync(record: false);
        upstream.Latency = TimeSpan.FromMilliseconds(50);
        var policies = Path.Combine(workDir, "policies.yaml");
        await File.WriteAllTextAsync(policies, $$"""
            deployments: [ { name: none, endpoints: [] } ]
            policies:
              - modelAlias: bench
                slm: { deploymentRef: { name: none } }
                llm: { baseUrl: "{{upstream.BaseUrl}}", model: static, inputPricePerMillionTokens: 2.5, outputPricePerMillionTokens: 10 }
                rules: [ { name: all-to-llm, match: {}, target: llm } ]
            """);
        var routerDll = Path.Combine(root, "router", "SlmFleet.Router", "bin", "Release", "net10.0", "slm-router.dll");
        if (!File.Exists(routerDll))
        {
            routerDll = Path.Combine(AppContext.BaseDirectory, "slm-router.dll");
        }

        var port = Peers.FreePort();
        using var router = Process.Start(new ProcessStartInfo("dotnet")
        {
            ArgumentList = { routerDll, "--policies", policies, "--listen", $"http://127.0.0.1:{port}", "--log-level", "Warning", "--max-concurrent-requests", Capacity.ToString(CultureInfo.InvariantCulture) },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        router.OutputDataReceived += (_, _) => { };
        router.ErrorDataReceived += (_, _) => { };
        router.BeginOutputReadLine();
        router.BeginErrorReadLine();
        try
        {
            var url = new Uri($"http://127.0.0.1:{port}/v1/chat/completions");
            using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 1024, PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = TimeSpan.FromSeconds(30) };
            if (!await WaitUpAsync(client, new Uri($"http://127.0.0.1:{port}/healthz")))
            {
                Console.Error.WriteLine("router did not start");
                return 1;
            }

            var body = Encoding.UTF8.GetBytes("""{"model":"bench","messages":[{"role":"user","content":"Classify: the delivery was quick."}],"max_tokens":16}""");
            await PhaseAsync(client, url, body, Capacity / 2, TimeSpan.FromSeconds(2), router); // warm-up
            var phases = new List<JsonObject>
            {
                await PhaseAsync(client, url, body, Capacity / 2, phase, router, "unloaded"),
                await PhaseAsync(client, url, body, Capacity * 2, phase, router, "overload (2x)"),
                await PhaseAsync(client, url, body, Capacity / 2, phase, router, "recovery"),
            };
            Write(root, phases);
            return 0;
        }
        finally
        {
            router.Kill(entireProcessTree: true);
            await router.WaitForExitAsync();
            Directory.Delete(workDir, recursive: true);
        }
    }

    private static async Task<bool> WaitUpAsync(HttpClient client, Uri health)
    {
        for (var i = 0; i < 300; i++)
        {
            try
            {
                using var response = await client.GetAsync(health);
                if (response.IsSuccessStatusCode)
                {
                    return true;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(100);
        }

        return false;
    }

    private static async Task<JsonObject> PhaseAsync(HttpClient client, Uri url, byte[] body, int clients, TimeSpan duration, Process router, string? name = null)
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
        router.Refresh();
        var latencies = admitted.SelectMany(l => l).Order().ToArray();
        double Percentile(double p) => latencies.Length == 0 ? 0 : latencies[Math.Min(latencies.Length - 1, (int)Math.Ceiling(p * latencies.Length) - 1)];
        return new JsonObject
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
            ["routerWorkingSetMiB"] = Math.Round(router.WorkingSet64 / 1048576.0, 1),
        };
    }

    private static void Write(string root, List<JsonObject> phases)
    {
        var results = Path.Combine(root, "bench", "results");
        Directory.CreateDirectory(results);
        var machine = BenchMachine.Description;
        var load = BenchMachine.LoadAverage;
        var date = DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
        var json = new JsonObject { ["date"] = date, ["machine"] = machine, ["loadAverage"] = load, ["capacity"] = Capacity, ["upstreamLatencyMs"] = 50, ["phases"] = new JsonArray([.. phases]) };
        File.WriteAllText(Path.Combine(results, "router-overload.json"), json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        var md = new StringBuilder()
            .AppendLine("# Router overload")
            .AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"Date: {date}. Machine: {machine}. Load average: {load}.")
            .AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"Router process with `--max-concurrent-requests {Capacity}`, upstream answering in 50 ms, closed loop of N clients for 5 s per phase (a refused client pauses 10 ms).")
            .AppendLine()
            .AppendLine("| phase | clients | admitted/s | p50 ms | p99 ms | 429 | 429 without Retry-After | other | router working set MiB |")
            .AppendLine("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        foreach (var p in phases)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {p["phase"]} | {p["clients"]} | {p["admittedPerSecond"]} | {p["p50Ms"]} | {p["p99Ms"]} | {p["refused429"]} | {p["refusedWithoutRetryAfter"]} | {p["otherStatuses"]} | {p["routerWorkingSetMiB"]} |");
        }

        File.WriteAllText(Path.Combine(results, "router-overload.md"), md.ToString());
        Console.WriteLine(md.ToString());
    }
}
