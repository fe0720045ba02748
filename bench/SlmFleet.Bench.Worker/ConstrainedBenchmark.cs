using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Grpc.Net.Client;
using SlmFleet.Inference.V1;
using SlmFleet.Testing.Worker;
using SlmFleet.Worker.Constraints;
using SlmFleet.Worker.Engine;
using SlmFleet.Worker.Tokenization;

namespace SlmFleet.Bench.Worker;

/// <summary>
/// Constrained decoding on a 152k vocabulary (`-- constrained [--model-dir DIR]`; default the
/// qwen2-bytelevel-152k-fp32 fixture, Qwen3's real tokenizer): schema compile time by schema size,
/// mask time per token (p50/p99, replayed in-process with random logits, the worker's own code
/// path), and decode throughput of the worker process with and without a constraint at 1 and 16
/// concurrent rows. Writes bench/results/constrained.{json,md}.
/// </summary>
internal static class ConstrainedBenchmark
{
    private const int NewTokens = 64;

    // Strings run on until the model or the budget closes them; each free row then generates exactly
    // as many tokens as its constrained twin did, so both sides do the same work in the same batch
    // shapes and the comparison measures the mask, not shorter answers.
    private const string ThroughputSchema = """{"type":"array","items":{"type":"string"}}""";

    private static readonly (string Name, string Schema)[] MaskSchemas =
    [
        ("sentiment", """{"type":"object","properties":{"sentiment":{"enum":["positive","negative","neutral"]},"confidence":{"type":"number"}},"required":["sentiment","confidence"],"additionalProperties":false}"""),
        ("extraction", """{"type":"object","properties":{"people":{"type":"array","items":{"type":"object","properties":{"name":{"type":"string","maxLength":20},"role":{"enum":["buyer","seller"]},"age":{"type":["integer","null"],"minimum":0,"maximum":120}},"required":["name","role","age"]},"maxItems":3},"date":{"type":"string","format":"date"}},"required":["people","date"]}"""),
        ("recursive-tree", """{"$defs":{"node":{"type":"object","properties":{"value":{"type":"integer"},"children":{"type":"array","items":{"$ref":"#/$defs/node"},"maxItems":2}},"required":["value","children"]}},"$ref":"#/$defs/node"}"""),
        ("strings", ThroughputSchema),
        ("json_object", string.Empty),
    ];

    public static async Task<int> RunAsync(string root, string results, string[] args)
    {
        var directory = args.Length >= 2 && args[0] == "--model-dir" ? args[1] : Path.GetFullPath(Path.Combine(root, "..", "shared", "fixtures", "models", "qwen2-bytelevel-152k-fp32"));
        if (!File.Exists(Path.Combine(directory, "genai_config.json")))
        {
            Console.Error.WriteLine($"constrained: no model at {directory}; pass --model-dir DIR (a 152k-vocabulary model folder)");
            return 2;
        }

        var model = BenchModel.Load(directory, Path.GetFileName(directory));
        Console.WriteLine($"constrained decoding on {model.Name} (vocabulary {model.VocabSize})");
        var tokenizer = TokenizerLoader.Load(directory);
        var clock = Stopwatch.StartNew();
        var vocabulary = new TokenVocabulary(tokenizer, model.VocabSize);
        var vocabularyMs = clock.Elapsed.TotalMilliseconds;

        var compiles = CompileTimes(vocabulary);
        var masks = MaskTimes(vocabulary, EosIds(directory));
        var throughput = await ThroughputAsync(directory);

        var report = new JsonObject
        {
            ["date"] = DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture),
            ["machine"] = ResultWriter.Machine(),
            ["model"] = model.Name,
            ["vocabulary"] = model.VocabSize,
            ["trie_nodes"] = vocabulary.NodeCount,
            ["vocabulary_build_ms"] = Math.Round(vocabularyMs, 1),
            ["compile"] = new JsonArray([.. compiles.Select(c => (JsonNode)new JsonObject { ["schema"] = c.Name, ["schema_bytes"] = c.Bytes, ["states"] = c.States, ["masked_states"] = c.Masked, ["grammar_ms"] = Math.Round(c.GrammarMs, 2), ["compile_ms"] = Math.Round(c.TotalMs, 1) })]),
            ["mask_us"] = new JsonObject { ["tokens"] = masks.Count, ["p50"] = Math.Round(Percentiles.Of(masks, 0.5) * 1e6, 1), ["p99"] = Math.Round(Percentiles.Of(masks, 0.99) * 1e6, 1), ["max"] = Math.Round(masks.Max() * 1e6, 1), ["target_p50"] = 100, ["target_p99"] = 1000 },
            ["throughput"] = new JsonArray([.. throughput.Select(t => (JsonNode)new JsonObject { ["concurrency"] = t.Concurrency, ["free_tps"] = Math.Round(t.Free, 1), ["constrained_tps"] = Math.Round(t.Constrained, 1), ["ratio"] = Math.Round(t.Constrained / t.Free, 3), ["worker_mask_mean_us"] = Math.Round(t.WorkerMaskMeanUs, 1) })]),
        };
        Directory.CreateDirectory(results);
        File.WriteAllText(Path.Combine(results, "constrained.json"), report.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        var md = Markdown(report, masks, compiles, throughput, model, vocabularyMs, vocabulary.NodeCount);
        File.WriteAllText(Path.Combine(results, "constrained.md"), md);
        Console.WriteLine(md);
        return 0;
    }

    private static List<(string Name, int Bytes, int States, int Masked, double GrammarMs, double TotalMs)> CompileTimes(TokenVocabulary vocabulary)
    {
        var schemas = MaskSchemas.Where(s => s.Schema.Length > 0).ToList();
        foreach (var count in new[] { 1, 4, 16, 64 })
        {
            schemas.Add(($"{count} properties", GeneratedSchema(count)));
        }

        var rows = new List<(string, int, int, int, double, double)>();
        foreach (var (name, schema) in schemas)
        {
            var spec = new ConstraintSpec("json_schema", schema);
            var clock = Stopwatch.StartNew();
            var grammar = ConstraintCompiler.BuildGrammar(spec);
            var grammarMs = clock.Elapsed.TotalMilliseconds;
            // A fresh compiler each time: the cache would answer in microseconds.
            var compiled = new ConstraintCompiler(() => vocabulary).Compile(spec);
            var totalMs = clock.Elapsed.TotalMilliseconds;
            rows.Add((name, Encoding.UTF8.GetByteCount(schema), grammar.StateCount, compiled.MaskStates, grammarMs, totalMs));
            Console.WriteLine($"compile {name}: {grammar.StateCount} states, {totalMs:F0} ms");
        }

        return rows;
    }

    // Properties cycle through string, integer, enum, boolean, bounded string and nested object.
    private static string GeneratedSchema(int properties)
    {
        string[] kinds = ["""{"type":"string"}""", """{"type":"integer"}""", """{"enum":["a","b","c"]}""", """{"type":"boolean"}""", """{"type":"string","maxLength":12}""", """{"type":"object","properties":{"x":{"type":"number"}},"required":["x"]}"""];
        var names = Enumerable.Range(0, properties).Select(i => $"field_{i}").ToList();
        var props = string.Join(",", names.Select((n, i) => $"\"{n}\":{kinds[i % kinds.Length]}"));
        return $$"""{"type":"object","properties":{{{props}}},"required":[{{string.Join(",", names.Select(n => $"\"{n}\""))}}],"additionalProperties":false}""";
    }

    private static int[] EosIds(string directory)
        => JsonNode.Parse(File.ReadAllText(Path.Combine(directory, "genai_config.json")))!["model"]!["eos_token_id"] switch
        {
            JsonArray ids => [.. ids.Select(id => (int)id!)],
            JsonValue id => [(int)id],
            _ => [],
        };

    private static List<double> MaskTimes(TokenVocabulary vocabulary, int[] eos)
    {
        var compiler = new ConstraintCompiler(() => vocabulary);
        var random = new Random(7);
        var bank = new float[vocabulary.Size * 4];
        for (var i = 0; i < bank.Length; i++)
        {
            bank[i] = 3f * (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
        }

        var masks = new List<double>();
        var logits = new float[vocabulary.Size];
        foreach (var (name, schema) in MaskSchemas)
        {
            var compiled = compiler.Compile(schema.Length == 0 ? new ConstraintSpec("json_object", string.Empty) : new ConstraintSpec("json_schema", schema));
            for (var seed = 1; seed <= 8; seed++)
            {
                var matcher = new ConstraintMatcher(compiled);
                var sampler = new TokenSampler(new SamplingOptions(1f, 0, 1f), new Random(seed));
                for (var step = 0; step < NewTokens; step++)
                {
                    bank.AsSpan(random.Next(bank.Length - logits.Length), logits.Length).CopyTo(logits);
                    var token = ConstrainedSampler.Next(sampler, matcher, logits, NewTokens - step - 1, eos, TimeProvider.System, out var seconds);
                    masks.Add(seconds);
                    if (token < 0 || eos.Contains(token) || !matcher.Advance(token) || matcher is { IsComplete: true, CanContinue: false })
                    {
                        break;
                    }
                }
            }

            Console.WriteLine($"mask {name}: {masks.Count} tokens so far");
        }

        return masks;
    }

    private static async Task<List<(int Concurrency, double Free, double Constrained, double WorkerMaskMeanUs)>> ThroughputAsync(string directory)
    {
        await using var process = await WorkerProcess.StartAsync(WorkerProcess.DefaultWorkerDll(), directory, TimeSpan.FromMinutes(5),
            "--execution-provider", "cpu", "--max-batch", "16", "--warmup-prompt", "Hello, how are you?");
        using var channel = GrpcChannel.ForAddress(process.GrpcAddress);
        using var http = new HttpClient();
        var client = new Inference.V1.Inference.InferenceClient(channel);
        var rows = new List<(int, double, double, double)>();
        // One unmeasured round of each compiles the schema and warms both paths.
        var (_, warm) = await RoundAsync(client, 2, lengths: null);
        await RoundAsync(client, 2, warm);
        foreach (var concurrency in new[] { 1, 16 })
        {
            // Constrained and free rounds alternate three times and the medians are compared: other
            // work on a shared machine comes and goes on the scale of one round.
            var before = await MaskHistogramAsync(http, process.MetricsAddress);
            var constrainedRuns = new List<double>();
            var freeRuns = new List<double>();
            for (var repeat = 0; repeat < 3; repeat++)
            {
                var (constrainedRun, lengths) = await RoundAsync(client, concurrency, lengths: null);
                var (freeRun, _) = await RoundAsync(client, concurrency, lengths);
                constrainedRuns.Add(constrainedRun);
                freeRuns.Add(freeRun);
            }

            var after = await MaskHistogramAsync(http, process.MetricsAddress);
            var constrained = Percentiles.Of(constrainedRuns, 0.5);
            var free = Percentiles.Of(freeRuns, 0.5);
            var maskMean = after.Count > before.Count ? (after.Sum - before.Sum) / (after.Count - before.Count) * 1e6 : double.NaN;
            rows.Add((concurrency, free, constrained, maskMean));
            Console.WriteLine($"c{concurrency}: free {free:F1} tok/s, constrained {constrained:F1} tok/s, worker mask mean {maskMean:F1} us");
        }

        return rows;
    }

    /// <summary>
    /// Completion tokens per second over <paramref name="concurrency"/> rows started together, two
    /// rounds: constrained when <paramref name="lengths"/> is null (returning each row's length), else
    /// free rows of exactly those lengths.
    /// </summary>
    private static async Task<(double TokensPerSecond, int[] Lengths)> RoundAsync(Inference.V1.Inference.InferenceClient client, int concurrency, int[]? lengths)
    {
        var counts = new int[2 * concurrency];
        var clock = Stopwatch.StartNew();
        for (var round = 0; round < 2; round++)
        {
            var calls = Enumerable.Range(0, concurrency).Select(async i =>
            {
                var request = new GenerateRequest
                {
                    Prompt = "List the items in the customer's order as JSON:",
                    MaxNewTokens = lengths is null ? NewTokens : Math.Max(1, lengths[(round * concurrency) + i]),
                    IgnoreEos = true,
                    Sampling = new SamplingParameters { Temperature = 1f, Seed = (ulong)(round * 100 + i + 1) },
                };
                if (lengths is null)
                {
                    request.JsonSchema = ThroughputSchema;
                }

                using var call = client.Generate(request);
                var count = 0;
                while (await call.ResponseStream.MoveNext(CancellationToken.None))
                {
                    count += call.ResponseStream.Current.TokenIds.Count;
                }

                return count;
            });
            (await Task.WhenAll(calls)).CopyTo(counts, round * concurrency);
        }

        return (counts.Sum() / clock.Elapsed.TotalSeconds, counts);
    }

    private static async Task<(double Sum, double Count)> MaskHistogramAsync(HttpClient http, Uri metrics)
    {
        var text = await http.GetStringAsync(new Uri(metrics, "/metrics"));
        double Value(string name) => text.Split('\n').Where(l => l.StartsWith(name + " ", StringComparison.Ordinal)).Select(l => double.Parse(l[(name.Length + 1)..], CultureInfo.InvariantCulture)).FirstOrDefault();
        return (Value("slm_worker_constraint_mask_seconds_sum"), Value("slm_worker_constraint_mask_seconds_count"));
    }

    private static string Markdown(JsonObject report, List<double> masks, List<(string Name, int Bytes, int States, int Masked, double GrammarMs, double TotalMs)> compiles, List<(int Concurrency, double Free, double Constrained, double WorkerMaskMeanUs)> throughput, BenchModel model, double vocabularyMs, int trieNodes)
    {
        var p50 = Percentiles.Of(masks, 0.5) * 1e6;
        var p99 = Percentiles.Of(masks, 0.99) * 1e6;
        var c16 = throughput.Single(t => t.Concurrency == 16);
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"## Constrained decoding ({model.Name}, vocabulary {model.VocabSize:N0})");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"{report["date"]}; {report["machine"]}. A shared, noisy 2-core machine: read ratios, not absolute numbers.");
        md.AppendLine(CultureInfo.InvariantCulture, $"Vocabulary trie: {trieNodes:N0} nodes, built in {vocabularyMs:F0} ms (once per worker).");
        md.AppendLine();
        md.AppendLine("| metric | measured | target | |");
        md.AppendLine("|---|---|---|---|");
        md.AppendLine(CultureInfo.InvariantCulture, $"| mask per token per row, p50 ({masks.Count} tokens) | {p50:F1} µs | ≤ 100 µs | {(p50 <= 100 ? "pass" : "FAIL")} |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| mask per token per row, p99 | {p99:F1} µs | ≤ 1000 µs | {(p99 <= 1000 ? "pass" : "FAIL")} |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| constrained / free decode throughput, c16 | {c16.Constrained / c16.Free:F3} | ≥ 0.85 | {(c16.Constrained / c16.Free >= 0.85 ? "pass" : "FAIL")} |");
        md.AppendLine();
        md.AppendLine("| concurrency | free tok/s | constrained tok/s | ratio | worker mask mean |");
        md.AppendLine("|---|---|---|---|---|");
        foreach (var t in throughput)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {t.Concurrency} | {t.Free:F1} | {t.Constrained:F1} | {t.Constrained / t.Free:F3} | {t.WorkerMaskMeanUs:F1} µs |");
        }

        md.AppendLine();
        md.AppendLine("| schema | bytes | states | masked states | grammar | compile (with masks) |");
        md.AppendLine("|---|---|---|---|---|---|");
        foreach (var c in compiles)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {c.Name} | {c.Bytes} | {c.States} | {c.Masked} | {c.GrammarMs:F1} ms | {c.TotalMs:F0} ms |");
        }

        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Mask times: {MaskSchemas.Length} schemas (json_object included) × 8 seeds, random logits, the scheduler's own ConstrainedSampler, in-process. Throughput: the worker process over gRPC, temperature 1, {NewTokens} new tokens, schema {ThroughputSchema}; each free row generates exactly as many tokens as its constrained twin, so both sides do the same work; medians of three alternating rounds.");
        return md.ToString();
    }
}
