using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SlmFleet.Bench.Worker;

/// <summary>
/// Writes worker.json and worker.md (the README's table): every number with ONNX Runtime GenAI's
/// beside it, the ratio, and each target's pass or fail. The top-level tps_c1/tps_c4/tps_c16 keys
/// (the worker at context 128) stay because the autoscaler simulation reads tps_c16.
/// </summary>
internal static class ResultWriter
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static void Write(string directory, BenchReport report)
    {
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "worker.json"), Json(report).ToJsonString(Indented) + "\n");
        var md = Markdown(report);
        File.WriteAllText(Path.Combine(directory, "worker.md"), md);
        Console.WriteLine(md);
    }

    // The load average says whether other work shared the cores during the run.
    public static string Machine() => $"{BenchMachine.Description}, load average {BenchMachine.LoadAverage}";

    private static JsonObject Json(BenchReport r)
    {
        var c128 = r.Decode.Where(c => c.Context == r.Decode[0].Context).ToDictionary(c => c.Concurrency);
        return new JsonObject
        {
            ["date"] = r.Date.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture),
            ["machine"] = r.Machine,
            ["peer"] = "Microsoft.ML.OnnxRuntimeGenAI 0.20.0 (CPU), in-process, static batches",
            ["model"] = new JsonObject
            {
                ["name"] = r.Model.Name,
                ["layers"] = r.Model.Layers,
                ["kv_heads"] = r.Model.KvHeads,
                ["head_size"] = r.Model.HeadSize,
                ["context_length"] = r.Model.ContextLength,
                ["file_bytes"] = r.Model.Weights.FileBytes,
                ["weight_bytes_read_per_step"] = r.Model.Weights.StreamedBytes,
                ["gathered_bytes_not_counted"] = r.Model.Weights.GatheredBytes,
                ["kv_bytes_per_context_token"] = r.Model.KvBytesPerContextToken,
            },
            ["threads"] = r.Options.Threads,
            ["repeats"] = r.Options.Repeats,
            ["read_bandwidth_gbps"] = Round(r.ReadBandwidthGbps, 3),
            ["tps_c1"] = Round(c128[1].Worker.TokensPerSecond, 2),
            ["tps_c4"] = Round(c128[4].Worker.TokensPerSecond, 2),
            ["tps_c16"] = Round(c128[16].Worker.TokensPerSecond, 2),
            ["decode"] = new JsonArray([.. r.Decode.Select(c => (JsonNode)new JsonObject
            {
                ["concurrency"] = c.Concurrency,
                ["context"] = c.Context,
                ["prompt_tokens"] = c.Worker.PromptTokens,
                ["new_tokens"] = c.Worker.NewTokens,
                ["worker_tps"] = Round(c.Worker.TokensPerSecond, 2),
                ["peer_tps"] = Round(c.Peer?.TokensPerSecond ?? double.NaN, 2),
                ["peer_not_run"] = c.PeerNotRun,
                ["ratio"] = Round(c.Ratio, 3),
                ["worker_steady_window"] = c.Worker.Steady,
                ["bytes_per_token"] = Math.Round(r.Model.BytesPerToken(c.Concurrency, c.Worker.MeanContext)),
                ["worker_fraction_of_read_bandwidth"] = Round(Fraction(r, c, c.Worker), 3),
                ["peer_fraction_of_read_bandwidth"] = c.Peer is null ? null : Round(Fraction(r, c, c.Peer), 3),
            })]),
            ["ttft"] = new JsonArray([.. r.Ttft.Select(t => (JsonNode)new JsonObject
            {
                ["prompt_tokens"] = t.PromptTokens,
                ["worker_ms"] = Round(t.WorkerMilliseconds, 1),
                ["peer_ms"] = Round(t.PeerMilliseconds, 1),
                ["ratio"] = Round(t.Ratio, 3),
            })]),
            ["trace"] = new JsonObject
            {
                ["requests"] = r.Trace.Requests.Count,
                ["rate_per_second"] = Round(r.Trace.RatePerSecond, 4),
                ["rate_source"] = r.TraceRateSource,
                ["prompt_tokens"] = $"{r.Trace.MinPrompt}-{r.Trace.MaxPrompt}",
                ["output_tokens"] = $"{r.Trace.MinOutput}-{r.Trace.MaxOutput}",
                ["seed"] = r.Options.Seed,
                ["worker"] = Trace(r.WorkerTrace),
                ["peer"] = Trace(r.PeerTrace),
            },
            ["memory"] = new JsonObject
            {
                ["worker_rss_after_warmup_mib"] = Round(r.WorkerRssWarmMiB, 1),
                ["worker_rss_peak_mib"] = Round(r.WorkerRssPeakMiB, 1),
                ["peer_rss_model_load_mib"] = Round(r.PeerLoadedMiB, 1),
            },
            ["targets"] = new JsonArray([.. r.Targets().Select(t => (JsonNode)new JsonObject
            {
                ["target"] = t.Name,
                ["value"] = Round(t.Value, 3),
                ["bound"] = t.Bound,
                ["pass"] = t.Pass,
            })]),
        };
    }

    private static JsonObject Trace(TraceResult t) => new()
    {
        ["tokens_per_second"] = Round(t.TokensPerSecond, 2),
        ["makespan_seconds"] = Round(t.MakespanSeconds, 1),
        ["ttft_p50_ms"] = Round(t.TtftP50, 0),
        ["ttft_p99_ms"] = Round(t.TtftP99, 0),
        ["e2e_p50_ms"] = Round(t.EndToEndP50, 0),
        ["e2e_p99_ms"] = Round(t.EndToEndP99, 0),
        ["failed"] = t.Failed,
    };

    private static string Markdown(BenchReport r)
    {
        var md = new StringBuilder();
        void Line(FormattableString text) => md.AppendLine(text.ToString(CultureInfo.InvariantCulture));
        var m = r.Model;
        md.AppendLine("# Worker benchmark: the worker against ONNX Runtime GenAI 0.20.0").AppendLine();
        Line($"Date: {r.Date:yyyy-MM-dd HH:mm} UTC. Machine: {r.Machine}.");
        md.AppendLine();
        Line($"Model: {m.Name}, {m.Layers} layers, {m.KvHeads} KV heads × {m.HeadSize}, context {m.ContextLength}; {m.Weights.StreamedBytes / 1e6:F1} MB of weights read per decode step (embedding rows gathered, {m.Weights.GatheredBytes / 1e6:F1} MB, not counted), {m.KvBytesPerContextToken / 1024.0:F1} KiB of KV per token of context. Both sides: the same folder, CPU, {r.Options.Threads} intra-op threads, greedy, the same random prompt ids (seed {r.Options.Seed}), exactly the asked number of tokens (worker `ignore_eos`, peer `min_length`). The worker is its own `slm-worker serve` process over gRPC; ORT GenAI runs in the bench process (its phases never overlap the worker's). Read bandwidth {r.ReadBandwidthGbps:F2} GB/s: best of {r.ReadBandwidthSamples.Count} read-only passes ({r.Options.Threads} threads summing 512 MiB) taken between phases.");
        md.AppendLine();

        md.AppendLine("## Targets").AppendLine();
        md.AppendLine("| target | measured | bound | result |");
        md.AppendLine("| --- | ---: | --- | --- |");
        foreach (var t in r.Targets())
        {
            Line($"| {t.Name} | {t.Value:F2} | {t.Bound} | {(t.Pass ? "pass" : "**fail**")} |");
        }

        md.AppendLine().AppendLine("## Decode").AppendLine();
        Line($"Concurrency c: the worker gets c concurrent gRPC streams, ORT GenAI one static batch of c. tok/s counts tokens while every sequence of the c was decoding (prefill excluded); {r.Options.DecodeTokens} new tokens per sequence (the worker's streams, which start as soon as their own prompt is in, each run on until they have that many after the last stream's first token, then cancel); the prompt is sized so the mean context over the measured steps is the column's. Best of {r.Options.Repeats} runs per side, A/B then B/A. Bytes/token = weights ÷ c + KV at that context; \"of bw\" = bytes/token × tok/s ÷ read bandwidth.");
        md.AppendLine();
        md.AppendLine("| c | context | worker tok/s | ORT GenAI tok/s | worker ÷ GenAI | bytes/token | worker of bw | GenAI of bw |");
        md.AppendLine("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var c in r.Decode)
        {
            var peer = c.Peer is null ? "not run†" : c.Peer.TokensPerSecond.ToString("F1", CultureInfo.InvariantCulture);
            var ratio = c.Peer is null ? "–" : c.Ratio.ToString("F2", CultureInfo.InvariantCulture);
            var peerOfBandwidth = c.Peer is null ? "–" : Fraction(r, c, c.Peer).ToString("P0", CultureInfo.InvariantCulture);
            Line($"| {c.Concurrency} | {c.Context} | {c.Worker.TokensPerSecond:F1}{(c.Worker.Steady ? string.Empty : "*")} | {peer} | {ratio} | {m.BytesPerToken(c.Concurrency, c.Worker.MeanContext) / 1e6:F2} MB | {Fraction(r, c, c.Worker):P0} | {peerOfBandwidth} |");
        }

        foreach (var c in r.Decode.Where(c => c.PeerNotRun is not null))
        {
            md.AppendLine().AppendLine(string.Create(CultureInfo.InvariantCulture, $"† c{c.Concurrency} at context {c.Context}: ORT GenAI not run: {c.PeerNotRun}. The worker's chunked prefill keeps logits to one chunk."));
        }

        if (r.Decode.Any(c => !c.Worker.Steady))
        {
            md.AppendLine().AppendLine("\\* no moment had every sequence decoding (one finished before the last one's first token): first token to last token instead.");
        }

        md.AppendLine().AppendLine("## Time to first token (solo)").AppendLine();
        Line($"Best of {r.Options.Repeats + 1} runs per side; the worker's includes the gRPC round trip, GenAI's the generator's creation.");
        md.AppendLine();
        md.AppendLine("| prompt tokens | worker ms | ORT GenAI ms | worker ÷ GenAI |");
        md.AppendLine("| ---: | ---: | ---: | ---: |");
        foreach (var t in r.Ttft)
        {
            Line($"| {t.PromptTokens} | {t.WorkerMilliseconds:F0} | {t.PeerMilliseconds:F0} | {t.Ratio:F2} |");
        }

        md.AppendLine().AppendLine("## Serving trace").AppendLine();
        Line($"{r.Trace.Requests.Count} requests (kept small so each side runs a few minutes on 2 cores), Poisson arrivals at {r.Trace.RatePerSecond:F3}/s ({r.TraceRateSource}), prompts uniform {r.Trace.MinPrompt}–{r.Trace.MaxPrompt} tokens, outputs uniform {r.Trace.MinOutput}–{r.Trace.MaxOutput}, seed {r.Options.Seed}; the same trace replayed on each side (worker first). ORT GenAI's mode: a loop takes up to {PeerSide.MaxBatch} queued requests as one static batch (right-padded; fewer when the batch's all-position prefill logits would pass the memory budget) and runs it to the longest output; a request counts as answered at its own last token. TTFT and end-to-end from arrival; throughput = generated tokens ÷ makespan.");
        md.AppendLine();
        md.AppendLine("| | worker | ORT GenAI | worker ÷ GenAI |");
        md.AppendLine("| --- | ---: | ---: | ---: |");
        var (w, p) = (r.WorkerTrace, r.PeerTrace);
        Line($"| throughput tok/s | {w.TokensPerSecond:F1} | {p.TokensPerSecond:F1} | {w.TokensPerSecond / p.TokensPerSecond:F2} |");
        Line($"| makespan s | {w.MakespanSeconds:F1} | {p.MakespanSeconds:F1} | {w.MakespanSeconds / p.MakespanSeconds:F2} |");
        Line($"| TTFT p50 ms | {w.TtftP50:F0} | {p.TtftP50:F0} | {w.TtftP50 / p.TtftP50:F2} |");
        Line($"| TTFT p99 ms | {w.TtftP99:F0} | {p.TtftP99:F0} | {w.TtftP99 / p.TtftP99:F2} |");
        Line($"| end-to-end p50 ms | {w.EndToEndP50:F0} | {p.EndToEndP50:F0} | {w.EndToEndP50 / p.EndToEndP50:F2} |");
        Line($"| end-to-end p99 ms | {w.EndToEndP99:F0} | {p.EndToEndP99:F0} | {w.EndToEndP99 / p.EndToEndP99:F2} |");
        Line($"| failed requests | {w.Failed} | {p.Failed} | |");

        md.AppendLine().AppendLine("## Memory").AppendLine();
        Line($"Worker resident set (VmRSS of its process, sampled every 100 ms): {r.WorkerRssWarmMiB:F0} MiB after warm-up, {r.WorkerRssPeakMiB:F0} MiB peak over the run. ORT GenAI: the bench process grew {r.PeerLoadedMiB:F0} MiB when it loaded the model (its run-time buffers come on top).");
        return md.ToString();
    }

    private static double Fraction(BenchReport r, DecodeCell cell, DecodeResult result)
        => r.Model.BytesPerToken(cell.Concurrency, result.MeanContext) * result.TokensPerSecond / (r.ReadBandwidthGbps * 1e9);

    // JSON has no NaN or infinity: a value that could not be measured (a cell the peer did not run) is null.
    private static JsonValue? Round(double value, int digits) => double.IsFinite(value) ? JsonValue.Create(Math.Round(value, digits)) : null;
}
