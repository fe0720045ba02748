using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Grpc.Net.Client;
using SlmFleet.Inference.V1;
using SlmFleet.Testing;
using SlmFleet.Testing.OpenAi;
using SlmFleet.Testing.Worker;

namespace SlmFleet.Bench.Router;

/// <summary>
/// <c>dotnet run -c Release --project bench/SlmFleet.Bench.Router -- streaming</c>: time to first
/// token of a streamed SLM answer through the router (hold-back window off, and at the default 16
/// tokens) against the same worker called directly over gRPC, requests interleaved in one run; then
/// the router's latency in the first 10 seconds after it reports ready against the next 10 seconds.
/// Writes bench/results/router-streaming.json and .md.
/// </summary>
internal static class StreamingBench
{
    private const int Rounds = 40;
    private const int WarmupRounds = 5;
    private const int MaxTokens = 32;
    private const int HoldTokens = 16;
    private const int ColdRatePerSecond = 50;
    private static readonly TimeSpan ColdWindow = TimeSpan.FromSeconds(10);

    // About 200 tokens: a support request with its context, the shape of a classification or extraction prompt.
    private static readonly string Prompt = string.Join(' ', Enumerable.Repeat(
        "Customer wrote: my order arrived two days late and the box was damaged, but the product itself works fine.", 8))
        + " Summarise the complaint in one sentence.";

    public static async Task<int> RunAsync()
    {
        var root = TestPaths.RepositoryRoot;
        var workDir = Path.Combine(Path.GetTempPath(), "slm-bench-streaming-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(workDir);
        var workerDll = WorkerProcess.DefaultWorkerDll();
        var model = Path.Combine(workDir, "small-model");
        await WorkerProcess.MakeModelAsync(workerDll, model, "small", CancellationToken.None);
        await using var worker = await WorkerProcess.StartAsync(workerDll, model, TimeSpan.FromMinutes(2), "--execution-provider", "cpu", "--warmup-prompt", "hello");
        await using var llm = await OpenAiTestServer.StartAsync(record: false);
        var policies = Path.Combine(workDir, "streaming.yaml");
        await File.WriteAllTextAsync(policies, $$"""
            deployments:
              - name: small
                endpoints: ["{{worker.GrpcAddress.ToString().TrimEnd('/')}}"]
            policies:
              - modelAlias: live
                slm: { deploymentRef: { name: small }, timeoutMilliseconds: 30000, holdBack: { tokens: 0 } }
                llm: { baseUrl: "{{llm.BaseUrl}}", model: static, inputPricePerMillionTokens: 2.5, outputPricePerMillionTokens: 10 }
                escalation: { confidenceThreshold: 0 }
              - modelAlias: held
                slm: { deploymentRef: { name: small }, timeoutMilliseconds: 30000, holdBack: { tokens: {{HoldTokens}}, milliseconds: 60000 } }
                llm: { baseUrl: "{{llm.BaseUrl}}", model: static, inputPricePerMillionTokens: 2.5, outputPricePerMillionTokens: 10 }
                escalation: { confidenceThreshold: 0 }
            """);
        var port = Peers.FreePort();
        var routerUrl = new Uri($"http://127.0.0.1:{port}");
        using var router = ChildProcess.Start("dotnet", [RouterUnderTest.Dll(root), "--policies", policies, "--listen", routerUrl.ToString().TrimEnd('/'), "--metrics-listen", routerUrl.ToString().TrimEnd('/'), "--log-level", "Warning"], Path.Combine(workDir, "router.log"));
        if (!await router.WaitForHttpAsync(new Uri(routerUrl, "/readyz"), TimeSpan.FromSeconds(30)))
        {
            Console.Error.WriteLine($"router did not start; see {workDir}/router.log");
            return 1;
        }

        using var channel = GrpcChannel.ForAddress(worker.GrpcAddress);
        var grpc = new Inference.V1.Inference.InferenceClient(channel);
        using var http = new HttpClient { BaseAddress = routerUrl, Timeout = TimeSpan.FromSeconds(60) };
        var direct = new List<double>();
        var directHold = new List<double>();
        var live = new List<double>();
        var held = new List<double>();
        for (var round = 0; round < WarmupRounds + Rounds; round++)
        {
            // Interleaved, so that whatever else the machine does falls on every side alike.
            var (first, holdDone) = await WorkerAsync(grpc);
            var throughLive = await RouterAsync(http, "live");
            var throughHeld = await RouterAsync(http, "held");
            if (round >= WarmupRounds)
            {
                direct.Add(first);
                directHold.Add(holdDone);
                live.Add(throughLive);
                held.Add(throughHeld);
            }
        }

        var (coldP99, warmP99, coldCount, warmCount) = await ColdStartAsync(root, workDir);
        Write(root, direct, directHold, live, held, coldP99, warmP99, coldCount, warmCount);
        return 0;
    }

    /// <summary>The worker alone: time to the first token, and to the token that closes a 16-token window.</summary>
    private static async Task<(double First, double Hold)> WorkerAsync(Inference.V1.Inference.InferenceClient client)
    {
        var request = new GenerateRequest { MaxNewTokens = MaxTokens, Sampling = new SamplingParameters { Temperature = 0 }, Logprobs = true };
        request.Messages.Add(new ChatMessage { Role = "user", Content = Prompt });
        var started = Stopwatch.GetTimestamp();
        double first = double.NaN, hold = double.NaN;
        var tokens = 0;
        using var call = client.Generate(request);
        while (await call.ResponseStream.MoveNext(CancellationToken.None))
        {
            var message = call.ResponseStream.Current;
            tokens += message.TokenIds.Count;
            var now = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            if (double.IsNaN(first) && message.TokenIds.Count > 0)
            {
                first = now;
            }

            if (double.IsNaN(hold) && (tokens >= HoldTokens || message.FinishReason.Length > 0))
            {
                hold = now;
            }
        }

        return (first, hold);
    }

    /// <summary>Through the router: time to the first SSE chunk that carries content.</summary>
    private static async Task<double> RouterAsync(HttpClient http, string model)
    {
        var body = $$"""{"model":"{{model}}","messages":[{"role":"user","content":{{System.Text.Json.JsonSerializer.Serialize(Prompt)}}}],"max_tokens":{{MaxTokens}},"temperature":0,"stream":true}""";
        using var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var started = Stopwatch.GetTimestamp();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions") { Content = content };
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var first = double.NaN;
        while (await reader.ReadLineAsync() is { } line)
        {
            if (double.IsNaN(first) && line.StartsWith("data: {", StringComparison.Ordinal) && line.Contains("\"content\":\"", StringComparison.Ordinal) && !line.Contains("\"content\":\"\"", StringComparison.Ordinal))
            {
                first = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            }
        }

        return first;
    }

    /// <summary>
    /// A fresh router process, requests at a fixed rate from the moment /readyz answers: p99 of the
    /// first 10 seconds against the next 10 (the LLM side is a static local upstream, so only the
    /// router's own start-up shows).
    /// </summary>
    private static async Task<(double ColdP99, double WarmP99, int ColdCount, int WarmCount)> ColdStartAsync(string root, string workDir)
    {
        await using var upstream = await OpenAiTestServer.StartAsync(record: false);
        upstream.StaticResponse = """{"id":"chatcmpl-bench","object":"chat.completion","created":1700000000,"model":"static","choices":[{"index":0,"message":{"role":"assistant","content":"ok"},"finish_reason":"stop"}],"usage":{"prompt_tokens":24,"completion_tokens":1,"total_tokens":25}}"""u8.ToArray();
        var policies = Path.Combine(workDir, "cold.yaml");
        await File.WriteAllTextAsync(policies, RouterUnderTest.LlmOnlyPolicies(upstream.BaseUrl));
        var port = Peers.FreePort();
        using var router = ChildProcess.Start("dotnet", [RouterUnderTest.Dll(root), "--policies", policies, "--listen", $"http://127.0.0.1:{port}", "--metrics-listen", $"http://127.0.0.1:{port}", "--log-level", "Warning"], Path.Combine(workDir, "cold-router.log"));
        var url = new Uri($"http://127.0.0.1:{port}/v1/chat/completions");
        // Ready, not merely alive: the router reports ready once its warm-up has run, which is when a Service sends it traffic.
        if (!await router.WaitForHttpAsync(new Uri($"http://127.0.0.1:{port}/readyz"), TimeSpan.FromSeconds(30)))
        {
            return (double.NaN, double.NaN, 0, 0);
        }

        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256 }) { Timeout = TimeSpan.FromSeconds(30) };
        var body = Encoding.UTF8.GetBytes("""{"model":"bench","messages":[{"role":"user","content":"Classify: the delivery was quick."}],"max_tokens":16}""");
        var samples = new List<(double At, double Ms)>();
        var clock = Stopwatch.StartNew();
        var interval = TimeSpan.FromSeconds(1.0 / ColdRatePerSecond);
        var pending = new List<Task>();
        for (var i = 0; clock.Elapsed < 2 * ColdWindow; i++)
        {
            var due = interval * i;
            if (due > clock.Elapsed)
            {
                await Task.Delay(due - clock.Elapsed);
            }

            pending.Add(Task.Run(async () =>
            {
                var at = clock.Elapsed.TotalSeconds;
                var started = Stopwatch.GetTimestamp();
                using var content = new ByteArrayContent(body);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                using var response = await http.PostAsync(url, content);
                await response.Content.LoadIntoBufferAsync();
                lock (samples)
                {
                    samples.Add((at, Stopwatch.GetElapsedTime(started).TotalMilliseconds));
                }
            }));
        }

        await Task.WhenAll(pending);
        var cold = samples.Where(s => s.At < ColdWindow.TotalSeconds).Select(s => s.Ms).ToArray();
        var warm = samples.Where(s => s.At >= ColdWindow.TotalSeconds).Select(s => s.Ms).ToArray();
        return (Percentile(cold, 0.99), Percentile(warm, 0.99), cold.Length, warm.Length);
    }

    private static double Percentile(IReadOnlyCollection<double> values, double p) =>
        LatencyStats.NearestRank(values.Where(v => !double.IsNaN(v)).Order().ToArray(), p);

    private static void Write(string root, List<double> direct, List<double> directHold, List<double> live, List<double> held, double coldP99, double warmP99, int coldCount, int warmCount)
    {
        static double R(double v) => Math.Round(v, 2);
        var date = DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
        var rows = new (string Name, string What, List<double> Values)[]
        {
            ("worker", "worker alone (gRPC), first token", direct),
            ("router_live", "router, holdBack.tokens 0, first content chunk", live),
            ("worker_16th_token", $"worker alone, token {HoldTokens} (the end of a {HoldTokens}-token window)", directHold),
            ("router_held", $"router, holdBack.tokens {HoldTokens}, first content chunk", held),
        };
        var json = new JsonObject
        {
            ["date"] = date,
            ["machine"] = BenchMachine.Description,
            ["model"] = "small preset (7 layers, hidden 512), CPU",
            ["prompt_tokens_approx"] = 200,
            ["max_tokens"] = MaxTokens,
            ["rounds"] = Rounds,
            ["ttft_ms"] = new JsonObject(rows.Select(r => KeyValuePair.Create(r.Name, (JsonNode?)new JsonObject
            {
                ["p50"] = R(Percentile(r.Values, 0.5)),
                ["p99"] = R(Percentile(r.Values, 0.99)),
            }))),
            ["router_overhead_p50_ms"] = R(Percentile(live, 0.5) - Percentile(direct, 0.5)),
            ["window_overhead_p50_ms"] = R(Percentile(held, 0.5) - Percentile(directHold, 0.5)),
            ["cold_start"] = new JsonObject
            {
                ["rate_per_second"] = ColdRatePerSecond,
                ["first_10s_p99_ms"] = R(coldP99),
                ["next_10s_p99_ms"] = R(warmP99),
                ["first_10s_requests"] = coldCount,
                ["next_10s_requests"] = warmCount,
            },
        };
        var results = Path.Combine(root, "bench", "results");
        Directory.CreateDirectory(results);
        File.WriteAllText(Path.Combine(results, "router-streaming.json"), json.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }) + "\n");
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"### Router streaming: time to first token ({date}, {BenchMachine.Description})").AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"A worker on the small preset (CPU), a prompt of about 200 tokens, {MaxTokens} new tokens, greedy; {Rounds} rounds after {WarmupRounds} of warm-up, the worker alone and both router policies interleaved in each round.").AppendLine();
        md.AppendLine("| path | TTFT p50 (ms) | TTFT p99 (ms) |");
        md.AppendLine("| --- | --- | --- |");
        foreach (var (_, what, values) in rows)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {what} | {Percentile(values, 0.5):F2} | {Percentile(values, 0.99):F2} |");
        }

        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Router overhead at p50: {Percentile(live, 0.5) - Percentile(direct, 0.5):F2} ms without a window (target: under 10 ms); {Percentile(held, 0.5) - Percentile(directHold, 0.5):F2} ms over the worker's {HoldTokens}th token with the window.").AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Cold start: a fresh router process at {ColdRatePerSecond} requests/s (LLM side, static local upstream) from the moment /readyz answers: p99 {coldP99:F2} ms over the first 10 s ({coldCount} requests), {warmP99:F2} ms over the next 10 s ({warmCount} requests).");
        File.WriteAllText(Path.Combine(results, "router-streaming.md"), md.ToString());
        Console.WriteLine(md.ToString());
    }
}
