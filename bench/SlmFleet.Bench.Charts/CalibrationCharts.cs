using System.Globalization;
using System.Text.Json.Nodes;
using ScottPlot;

namespace SlmFleet.Bench.Charts;

/// <summary>calibration.json: per task, a fixed 0.85 threshold vs the calibrated one vs the oracle — the
/// share of traffic the SLM keeps, the held-out agreement with the LLM (against the target) and the LLM spend.</summary>
internal static class CalibrationCharts
{
    public static IEnumerable<NamedChart> Build(ResultFile file)
    {
        if (file.Root["rows"] is not JsonArray rows || rows.Count == 0)
        {
            yield break;
        }

        var tasks = rows.Select(r => Json.Text(r!["task"])!).Distinct().ToList();
        var policies = rows.Select(r => Json.Text(r!["policy"])!).Distinct().ToList();
        var subtitle = $"{file.Subtitle}\ndeterministic simulation, {Json.Number(file.Root["requests_per_task"]):0} requests per task, {Json.Number(file.Root["shadow_rate"]) * 100:0} % shadowed, seed {Json.Number(file.Root["seed"]):0}";
        List<(string Name, double[] Values)> Series(string field, double scale) =>
            [.. policies.Select(p => (p, tasks.Select(t => Json.Number(rows.FirstOrDefault(r => Json.Text(r!["task"]) == t && Json.Text(r!["policy"]) == p)?[field]) * scale).ToArray()))];

        var share = ChartStyle.Create("Share of traffic the SLM keeps, by threshold policy", subtitle, "task", "SLM share (%)");
        ChartStyle.GroupedBars(share, tasks, Series("slm_share", 100), "0.0");
        yield return new NamedChart("slm-share", share);

        var agreement = ChartStyle.Create("Held-out agreement with the LLM on the traffic the SLM keeps", subtitle, "task", "agreement (%)");
        ChartStyle.GroupedBars(agreement, tasks, Series("held_out_agreement", 100), "0.0");
        var target = Json.Number(file.Root["target_agreement"]) * 100;
        if (!double.IsNaN(target))
        {
            agreement.Add.HorizontalLine(target, 1.5f, Colors.DarkRed, LinePattern.Solid);
            agreement.Legend.ManualItems.Add(new LegendItem { LabelText = $"target {target.ToString("0", CultureInfo.InvariantCulture)} %", LineColor = Colors.DarkRed, LinePattern = LinePattern.Solid, LineWidth = 1.5f });
        }

        agreement.Axes.SetLimitsY(85, 101);
        yield return new NamedChart("agreement", agreement);

        var spend = ChartStyle.Create("LLM spend by threshold policy", subtitle, "task", "LLM spend (USD)");
        ChartStyle.GroupedBars(spend, tasks, Series("llm_spend_usd", 1), "0");
        yield return new NamedChart("spend", spend);
    }
}
