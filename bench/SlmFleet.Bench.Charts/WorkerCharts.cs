using System.Globalization;
using System.Text.Json.Nodes;
using ScottPlot;
using ScottPlot.TickGenerators;

namespace SlmFleet.Bench.Charts;

/// <summary>
/// worker.json: decode throughput against concurrency, the worker beside ONNX Runtime GenAI at each
/// context length, and time to first token (solo by prompt length, and the serving trace's p50/p99).
/// worker.json files written before the benchmark measured the peer (top-level tps_c1/c4/c16 only)
/// still chart, with the subtitle saying the peer is missing rather than leaving it out silently.
/// </summary>
internal static class WorkerCharts
{
    private const string Peer = "ONNX Runtime GenAI 0.20.0";

    public static IEnumerable<NamedChart> Build(ResultFile file)
    {
        var root = file.Root;
        if (root["decode"] is JsonArray decode && decode.Count > 0)
        {
            yield return Throughput(file, decode);
        }
        else if (!double.IsNaN(Json.Number(root["tps_c1"])))
        {
            yield return LegacyThroughput(file);
        }

        if (root["ttft"] is JsonArray ttft && ttft.Count > 0)
        {
            yield return SoloTtft(file, ttft);
        }
        else if (!double.IsNaN(Json.Number(root["ttft_p50_ms"])))
        {
            yield return LegacyTtft(file);
        }

        if (root["trace"]?["worker"] is JsonObject worker && root["trace"]?["peer"] is JsonObject peer)
        {
            yield return TraceTtft(file, worker, peer);
        }
    }

    private static NamedChart Throughput(ResultFile file, JsonArray decode)
    {
        var plot = ChartStyle.Create("Worker decode throughput vs concurrency, against " + Peer, file.Subtitle, "concurrent sequences (log₂ scale)", "tokens/s (decode, prefill excluded)");
        var contexts = decode.Select(c => Json.Number(c!["context"])).Distinct().Order().ToList();
        for (var i = 0; i < contexts.Count; i++)
        {
            var cells = decode.Where(c => Json.Number(c!["context"]) == contexts[i]).OrderBy(c => Json.Number(c!["concurrency"])).ToList();
            var context = contexts[i].ToString("0", CultureInfo.InvariantCulture);
            AddLine(plot, cells, "worker_tps", $"SLM Fleet worker, context {context}", ChartStyle.Series(i * 2), MarkerShape.FilledCircle);
            AddLine(plot, cells, "peer_tps", $"{Peer}, context {context}", ChartStyle.Series((i * 2) + 1), MarkerShape.OpenSquare);
        }

        ConcurrencyAxis(plot, decode.Select(c => Json.Number(c!["concurrency"])));
        plot.Axes.SetLimitsY(0, decode.Max(c => Math.Max(Json.Number(c!["worker_tps"]), Json.Number(c!["peer_tps"]) is var p && !double.IsNaN(p) ? p : 0)) * 1.15);
        plot.ShowLegend(Alignment.UpperLeft);
        return new NamedChart("throughput", plot);
    }

    // Series differ by colour and marker, not by dash pattern: Skia's SVG canvas draws dashed lines solid.
    private static void AddLine(Plot plot, List<JsonNode?> cells, string field, string name, Color color, MarkerShape marker)
    {
        var points = cells.Select(c => (X: Json.Number(c!["concurrency"]), Y: Json.Number(c![field]))).Where(p => !double.IsNaN(p.Y)).ToList();
        if (points.Count == 0)
        {
            return;
        }

        var line = plot.Add.Scatter(points.Select(p => Math.Log2(p.X)).ToArray(), points.Select(p => p.Y).ToArray(), color);
        line.LegendText = name;
        line.MarkerShape = marker;
        line.LineWidth = 2;
        line.MarkerSize = 9;
    }

    private static NamedChart LegacyThroughput(ResultFile file)
    {
        var root = file.Root;
        var plot = ChartStyle.Create(
            "Worker decode throughput vs concurrency",
            file.Subtitle + "\n" + Peer + ": not in this JSON (written before the benchmark measured it; make bench rewrites it)",
            "concurrent sequences (log₂ scale)",
            "tokens/s");
        double[] concurrency = [1, 4, 16];
        var tps = concurrency.Select(c => Json.Number(root[$"tps_c{c.ToString(CultureInfo.InvariantCulture)}"])).ToArray();
        var line = plot.Add.Scatter(concurrency.Select(Math.Log2).ToArray(), tps, ChartStyle.Series(0));
        line.LegendText = "SLM Fleet worker";
        line.LineWidth = 2;
        line.MarkerSize = 8;
        for (var i = 0; i < tps.Length; i++)
        {
            var label = plot.Add.Text(tps[i].ToString("0", CultureInfo.InvariantCulture), Math.Log2(concurrency[i]), tps[i]);
            label.LabelFontSize = 11;
            label.LabelAlignment = Alignment.LowerCenter;
            label.OffsetY = -6;
        }

        ConcurrencyAxis(plot, concurrency);
        plot.Axes.SetLimitsY(0, tps.Max() * 1.15);
        plot.ShowLegend(Alignment.UpperLeft);
        return new NamedChart("throughput", plot);
    }

    private static void ConcurrencyAxis(Plot plot, IEnumerable<double> concurrency)
    {
        var levels = concurrency.Where(c => !double.IsNaN(c)).Distinct().Order().ToArray();
        plot.Axes.Bottom.TickGenerator = new NumericManual([.. levels.Select(Math.Log2)], [.. levels.Select(c => c.ToString("0", CultureInfo.InvariantCulture))]);
        plot.Axes.SetLimitsX(-0.4, Math.Log2(levels.Max()) + 0.4);
    }

    private static NamedChart SoloTtft(ResultFile file, JsonArray ttft)
    {
        var plot = ChartStyle.Create("Time to first token by prompt length (one request alone)", file.Subtitle, "prompt tokens", "time to first token (ms)");
        var rows = ttft.OrderBy(t => Json.Number(t!["prompt_tokens"])).ToList();
        ChartStyle.GroupedBars(
            plot,
            [.. rows.Select(t => Json.Number(t!["prompt_tokens"]).ToString("0", CultureInfo.InvariantCulture))],
            [("SLM Fleet worker", [.. rows.Select(t => Json.Number(t!["worker_ms"]))]), (Peer, [.. rows.Select(t => Json.Number(t!["peer_ms"]))])],
            "0");
        return new NamedChart("ttft", plot);
    }

    private static NamedChart LegacyTtft(ResultFile file)
    {
        var plot = ChartStyle.Create("Worker time to first token", file.Subtitle + "\nevery request of the concurrency levels 1, 4 and 16", "percentile", "time to first token (ms)");
        ChartStyle.GroupedBars(plot, ["p50", "p99"], [("SLM Fleet worker", [Json.Number(file.Root["ttft_p50_ms"]), Json.Number(file.Root["ttft_p99_ms"])])], "0.0");
        return new NamedChart("ttft", plot);
    }

    private static NamedChart TraceTtft(ResultFile file, JsonObject worker, JsonObject peer)
    {
        var trace = file.Root["trace"]!;
        var plot = ChartStyle.Create(
            "Serving trace: time to first token and end-to-end latency (log₁₀ scale)",
            $"{file.Subtitle}\n{Json.Number(trace["requests"]):0} requests, Poisson arrivals, prompts {Json.Text(trace["prompt_tokens"])} tokens, outputs {Json.Text(trace["output_tokens"])} tokens",
            "percentile",
            "seconds");
        string[] fields = ["ttft_p50_ms", "ttft_p99_ms", "e2e_p50_ms", "e2e_p99_ms"];
        ChartStyle.GroupedBars(
            plot,
            ["TTFT p50", "TTFT p99", "end-to-end p50", "end-to-end p99"],
            [("SLM Fleet worker (continuous batching)", [.. fields.Select(f => Json.Number(worker[f]) / 1000)]), (Peer + " (static batches)", [.. fields.Select(f => Json.Number(peer[f]) / 1000)])],
            "0.0",
            log: true);
        return new NamedChart("trace-latency", plot);
    }
}
