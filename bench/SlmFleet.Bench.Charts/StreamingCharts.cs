using System.Globalization;
using System.Text.Json.Nodes;

namespace SlmFleet.Bench.Charts;

/// <summary>router-streaming.json: streamed time to first token through the router (live and behind the
/// 16-token hold-back window) against the worker alone, and the router's first seconds after start.</summary>
internal static class StreamingCharts
{
    private static readonly (string Key, string Name)[] Paths =
    [
        ("worker", "worker alone: token 1"),
        ("router_live", "router, no window: first chunk"),
        ("worker_16th_token", "worker alone: token 16"),
        ("router_held", "router, 16-token window: first chunk"),
    ];

    public static IEnumerable<NamedChart> Build(ResultFile file)
    {
        var root = file.Root;
        if (root["ttft_ms"] is JsonObject ttft)
        {
            var paths = Paths.Where(p => ttft.ContainsKey(p.Key)).ToList();
            var plot = ChartStyle.Create(
                "Streaming: time to first token through the router vs the worker alone",
                $"{file.Subtitle}\n{Json.Text(root["model"])}; prompt ≈ {Json.Number(root["prompt_tokens_approx"]):0} tokens, {Json.Number(root["rounds"]):0} rounds",
                "path",
                "time to first token (ms)");
            ChartStyle.GroupedBars(
                plot,
                [.. paths.Select(p => p.Name)],
                [("p50", [.. paths.Select(p => Json.Number(ttft[p.Key]!["p50"]))]), ("p99", [.. paths.Select(p => Json.Number(ttft[p.Key]!["p99"]))])],
                "0");
            yield return new NamedChart("ttft", plot, Width: 1000);
        }

        if (root["cold_start"] is JsonObject cold)
        {
            var plot = ChartStyle.Create(
                "A fresh router: p99 latency in its first and second 10 seconds (log₁₀ scale)",
                $"{file.Subtitle}\n{Json.Number(cold["rate_per_second"]):0} requests/s from the moment /healthz answers (LLM side, static local upstream)",
                "window after start",
                "p99 latency (ms)");
            ChartStyle.GroupedBars(
                plot,
                [$"first 10 s ({Json.Number(cold["first_10s_requests"]).ToString("0", CultureInfo.InvariantCulture)} requests)", $"next 10 s ({Json.Number(cold["next_10s_requests"]).ToString("0", CultureInfo.InvariantCulture)} requests)"],
                [("p99", [Json.Number(cold["first_10s_p99_ms"]), Json.Number(cold["next_10s_p99_ms"])])],
                "0.00",
                log: true);
            yield return new NamedChart("cold-start", plot);
        }
    }
}
