using System.Globalization;
using System.Text.Json.Nodes;
using ScottPlot;

namespace SlmFleet.Bench.Charts;

/// <summary>
/// autoscaler.json: per load trace, the SLM Fleet autoscaler beside Kubernetes' HPA algorithm and the
/// strict-band variant — replica-hours against the oracle's lower bound, time inside the 60–80 %
/// utilization band, mean utilization, and p99 queue wait against the SLO. The JSON holds per-trace
/// totals, not time series, so these are the totals; the traces' shapes are in the subtitle.
/// </summary>
internal static class AutoscalerCharts
{
    private static readonly (string Key, string Name)[] Scalers =
    [
        (string.Empty, "SLM Fleet autoscaler"),
        ("strict_band", "SLM Fleet, strict band"),
        ("hpa", "Kubernetes HPA (target 70 %)"),
    ];

    public static IEnumerable<NamedChart> Build(ResultFile file)
    {
        var traces = file.Root.AsObject().Where(p => p.Key != "run" && p.Value is JsonObject o && o.ContainsKey("replica_hours")).Select(p => p.Key).ToList();
        if (traces.Count == 0)
        {
            yield break;
        }

        var subtitle = file.Subtitle + "\n" + Traces(file);
        var categories = traces;

        var hours = ChartStyle.Create("Replica-hours per trace (lower is cheaper; the oracle is the lower bound)", subtitle, "load trace", "replica-hours");
        ChartStyle.GroupedBars(hours, categories, [.. Series(file, traces, "replica_hours", 1), ("oracle (knows the future load)", [.. traces.Select(t => Json.Number(file.Root[t]!["oracle_replica_hours"]))])], "0.0");
        yield return new NamedChart("replica-hours", hours);

        var band = ChartStyle.Create("Time inside the 60–80 % utilization band", subtitle, "load trace", "time in band (%)");
        ChartStyle.GroupedBars(band, categories, Series(file, traces, "time_in_band", 100), "0.0");
        yield return new NamedChart("time-in-band", band);

        var utilization = ChartStyle.Create("Mean utilization of the replicas", subtitle, "load trace", "mean utilization (%)");
        ChartStyle.GroupedBars(utilization, categories, Series(file, traces, "mean_utilization", 100), "0.0");
        Band(utilization);
        yield return new NamedChart("utilization", utilization);

        var wait = ChartStyle.Create("p99 queue wait per trace (log₁₀ scale)", subtitle, "load trace", "p99 wait (s)");
        var waits = Series(file, traces, "wait_p99_s", 1);
        ChartStyle.GroupedBars(wait, categories, waits, "0.###", log: true);
        if (Json.Number(file.Root["run"]?["slo_s"]) is var slo && !double.IsNaN(slo))
        {
            wait.Add.HorizontalLine(ChartStyle.LogPosition(slo, waits), 1.5f, Colors.DarkRed, LinePattern.Solid);
            wait.Legend.ManualItems.Add(new LegendItem { LabelText = $"SLO: wait ≤ {slo.ToString("0.#", CultureInfo.InvariantCulture)} s", LineColor = Colors.DarkRed, LinePattern = LinePattern.Solid, LineWidth = 1.5f });
        }

        yield return new NamedChart("wait-p99", wait);
    }

    private static List<(string Name, double[] Values)> Series(ResultFile file, List<string> traces, string field, double scale) =>
        [.. Scalers.Select(s => (s.Name, traces.Select(t => Json.Number((s.Key.Length == 0 ? file.Root[t] : file.Root[t]![s.Key])?[field]) * scale).ToArray()))];

    private static void Band(Plot plot)
    {
        var band = plot.Add.VerticalSpan(60, 80);
        band.FillStyle.Color = Colors.Green.WithAlpha(0.12);
        band.LineStyle.Width = 0;
        plot.MoveToBack(band);
        plot.Legend.ManualItems.Add(new LegendItem { LabelText = "target band 60–80 %", FillColor = Colors.Green.WithAlpha(0.25) });
        plot.Axes.SetLimitsY(0, 100);
    }

    private static string Traces(ResultFile file)
    {
        var run = file.Root["run"];
        var seconds = run?["traces_seconds"] as JsonObject;
        var parts = seconds?.Select(p => $"{p.Key} {Json.Number(p.Value) / 3600:0.#} h") ?? [];
        var rate = Json.Number(run?["service_rate_rps"]);
        return $"simulated traces: {string.Join(", ", parts)}; {rate.ToString("0.00", CultureInfo.InvariantCulture)} requests/s per replica; seed {Json.Number(run?["seed"]):0}";
    }
}
