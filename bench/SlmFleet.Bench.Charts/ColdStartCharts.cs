using System.Globalization;
using System.Text.Json.Nodes;
using ScottPlot;

namespace SlmFleet.Bench.Charts;

/// <summary>
/// autoscaler.json's <c>scale_from_zero</c>: the router's cold-start policies on one trace — how long the
/// requests that found no ready replica waited, and what became of them (held for the SLM, escalated to
/// the LLM, or waiting past the reference objective).
/// </summary>
internal static class ColdStartCharts
{
    public static IEnumerable<NamedChart> Build(ResultFile file)
    {
        if (file.Root["scale_from_zero"] is not JsonObject scaleFromZero || scaleFromZero["policies"] is not JsonObject policies || policies.Count == 0)
        {
            yield break;
        }

        var runs = policies.Select(p => p.Value!).ToList();
        // Two lines per label ("wait-or-escalate 30 s" / "maxQueued 16") keep six policies readable.
        var categories = runs.Select(r => (Json.Text(r["name"]) ?? "?").Replace(", ", "\n", StringComparison.Ordinal)).ToList();
        var reference = Json.Number(scaleFromZero["reference_objective_s"]);
        var subtitle = $"{file.Subtitle}\n{Json.Text(scaleFromZero["trace"])}; same requests and seed for every policy";

        var wait = ChartStyle.Create("Scale from zero: p99 wait per cold-start policy", subtitle, "router policy for requests that find no ready replica", "p99 wait (s)");
        ChartStyle.GroupedBars(wait, categories,
        [
            ("requests that found no replica (to SLM start or escalation)", [.. runs.Select(r => Json.Number(r["cold_wait_p99_s"]))]),
            ("all requests the SLM served", [.. runs.Select(r => Json.Number(r["wait_p99_slm_s"]))]),
        ], "0.0");
        if (!double.IsNaN(reference))
        {
            wait.Add.HorizontalLine(reference, 1.5f, Colors.DarkRed, LinePattern.Dashed);
            wait.Legend.ManualItems.Add(new LegendItem { LabelText = $"objective {reference.ToString("0", CultureInfo.InvariantCulture)} s", LineColor = Colors.DarkRed, LinePattern = LinePattern.Dashed, LineWidth = 1.5f });
        }

        yield return new NamedChart("cold-start-wait", wait, 1100);

        var price = Json.Number(scaleFromZero["llm_usd_per_request"]);
        var requests = ChartStyle.Create($"Scale from zero: what became of the requests that found no replica (escalated × ${price.ToString("0.####", CultureInfo.InvariantCulture)} = LLM spend)", subtitle, "router policy for requests that find no ready replica", "requests");
        ChartStyle.GroupedBars(requests, categories,
        [
            ("held for the SLM", [.. runs.Select(r => Json.Number(r["held"]))]),
            ("escalated to the LLM", [.. runs.Select(r => Json.Number(r["escalated"]))]),
            ($"waited > {reference.ToString("0", CultureInfo.InvariantCulture)} s", [.. runs.Select(r => Json.Number(r["waited_beyond_reference"]))]),
        ], "0");
        yield return new NamedChart("cold-start-requests", requests, 1100);
    }
}
