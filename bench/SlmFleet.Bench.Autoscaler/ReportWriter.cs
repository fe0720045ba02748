using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SlmFleet.Bench.Autoscaler;

/// <summary>Writes bench/results/autoscaler.json and autoscaler.md.</summary>
internal static class ReportWriter
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static void Write(string directory, IReadOnlyList<TraceReport> reports, IReadOnlyList<SeedSweep> sweeps, ColdStartReport coldStart, ServiceRate rate, SimulationOptions options, int seed, TimeSpan elapsed)
    {
        Directory.CreateDirectory(directory);
        var date = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
        var machine = BenchMachine.Description;

        var root = new JsonObject();
        foreach (var report in reports)
        {
            var node = ToJson(report.Autoscaler);
            node["hpa"] = ToJson(report.Hpa);
            node["strict_band"] = ToJson(report.StrictBand);
            root[report.Trace.Name] = node;
        }

        root["seeds"] = new JsonObject(sweeps.Select(w => KeyValuePair.Create(w.TraceName, (JsonNode?)SweepJson(w))));
        root["scale_from_zero"] = ColdStartJson(coldStart);
        root["run"] = new JsonObject
        {
            ["date"] = date,
            ["machine"] = machine,
            ["seed"] = seed,
            ["traces_seconds"] = new JsonObject(reports.Select(r => KeyValuePair.Create(r.Trace.Name, (JsonNode?)r.Trace.Seconds))),
            ["service_rate_rps"] = rate.RequestsPerSecond,
            ["service_rate_source"] = rate.Source,
            ["slo_s"] = options.SloSeconds,
            ["batch_slots"] = options.BatchSlots,
            ["utilization_metric"] = "capacity: (running + waiting requests) / batch slots, time-averaged over the worker's window",
            ["queue_capacity"] = options.QueueCapacity,
            ["elapsed_s"] = Math.Round(elapsed.TotalSeconds, 1),
        };
        File.WriteAllText(Path.Combine(directory, "autoscaler.json"), root.ToJsonString(Indented) + "\n");
        File.WriteAllText(Path.Combine(directory, "autoscaler.md"), Markdown(reports, rate, options, date, machine) + SweepMarkdown(sweeps) + ColdStartMarkdown(coldStart, options));
    }

    private static JsonObject ToJson(SimulationResult r) => new()
    {
        ["time_in_band"] = Math.Round(r.TimeInBand, 4),
        ["wait_p99_s"] = Math.Round(r.WaitP99Seconds, 3),
        ["slo_misses"] = r.SloMisses,
        ["dropped"] = r.Dropped,
        ["replica_hours"] = Math.Round(r.ReplicaHours, 2),
        ["oracle_replica_hours"] = Math.Round(r.OracleReplicaHours, 2),
        ["requests"] = r.Requests,
        ["max_queue"] = r.MaxQueue,
        ["scale_events"] = r.ScaleEvents,
        ["mean_utilization"] = Math.Round(r.MeanUtilization, 4),
    };

    private static JsonObject SweepJson(SeedSweep sweep)
    {
        JsonObject Side(IReadOnlyList<SimulationResult> runs) => new()
        {
            ["time_in_band_mean"] = Math.Round(runs.Average(r => r.TimeInBand), 4),
            ["time_in_band_worst"] = Math.Round(runs.Min(r => r.TimeInBand), 4),
            ["vs_oracle_mean"] = Math.Round(runs.Average(r => r.VsOracle), 4),
            ["vs_oracle_worst"] = Math.Round(runs.Max(r => r.VsOracle), 4),
            ["slo_misses_mean"] = Math.Round(runs.Average(r => r.SloMisses), 1),
            ["dropped_total"] = runs.Sum(r => r.Dropped),
            ["vs_oracle"] = new JsonArray(runs.Select(r => (JsonNode?)Math.Round(r.VsOracle, 4)).ToArray()),
        };

        return new JsonObject
        {
            ["seeds"] = new JsonArray(sweep.Seeds.Select(s => (JsonNode?)s).ToArray()),
            ["slm_fleet"] = Side(sweep.Autoscaler),
            ["hpa"] = Side(sweep.Hpa),
        };
    }

    private static string SweepMarkdown(IReadOnlyList<SeedSweep> sweeps)
    {
        var text = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        text.AppendLine();
        text.AppendLine(c, $"## Every trace re-drawn with {SeedSweep.Count} seeds");
        text.AppendLine();
        text.AppendLine(c, $"The tables above are one draw (seed {sweeps[0].Seeds[0]}). Here each trace's noise and request arrivals are drawn again with seeds {sweeps[0].Seeds[0]}-{sweeps[0].Seeds[^1]}: mean and worst over the draws.");
        text.AppendLine();
        text.AppendLine("| trace | autoscaler | time in band, mean | time in band, worst | vs oracle, mean | vs oracle, worst | SLO misses, mean | dropped, all draws |");
        text.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|");
        foreach (var sweep in sweeps)
        {
            foreach (var (name, runs) in new[] { ("SLM Fleet", sweep.Autoscaler), ("Kubernetes HPA (70 %)", sweep.Hpa) })
            {
                text.AppendLine(c,
                    $"| {sweep.TraceName} | {name} | {runs.Average(r => r.TimeInBand):P1} | {runs.Min(r => r.TimeInBand):P1} | {runs.Average(r => r.VsOracle):0.000}x | {runs.Max(r => r.VsOracle):0.000}x | {runs.Average(r => r.SloMisses):0} | {runs.Sum(r => r.Dropped)} |");
            }
        }

        return text.ToString();
    }

    private static JsonObject ColdStartJson(ColdStartReport report)
    {
        var policies = new JsonObject();
        foreach (var run in report.Runs)
        {
            var cold = run.ColdStart!;
            policies[cold.Policy.Key] = new JsonObject
            {
                ["name"] = cold.Policy.Name,
                ["objective_s"] = cold.Policy.ObjectiveSeconds,
                ["can_escalate"] = cold.Policy.CanEscalate,
                ["max_queued"] = cold.Policy.Spec.MaxQueued,
                ["requests"] = run.Requests,
                ["dropped"] = run.Dropped,
                ["cold_requests"] = cold.ColdRequests,
                ["held"] = cold.Held,
                ["escalated"] = cold.Escalated,
                ["escalations"] = new JsonObject(cold.Escalations.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => KeyValuePair.Create(e.Key, (JsonNode?)e.Value))),
                ["llm_spend_usd"] = Math.Round(cold.LlmSpendUsd, 4),
                ["wait_p99_slm_s"] = Math.Round(run.WaitP99Seconds, 3),
                ["wait_p99_overall_s"] = Math.Round(run.OverallWaitP99Seconds, 3),
                ["cold_wait_p99_s"] = Math.Round(cold.ColdWaitP99, 3),
                ["held_beyond_objective"] = cold.HeldBeyondObjective,
                ["waited_beyond_objective"] = cold.WaitedBeyondObjective,
                ["waited_beyond_reference"] = cold.WaitedBeyondReference,
                ["slo_misses"] = run.SloMisses,
                ["time_to_first_ready_s"] = Round(cold.TimeToFirstReady, 1),
                ["zero_replicas_at_s"] = Round(cold.ZeroReplicasAt, 0),
                ["first_cold_request_s"] = Round(cold.FirstColdRequestAt, 1),
                ["replica_hours"] = Math.Round(run.ReplicaHours, 2),
                ["scale_events"] = run.ScaleEvents,
                ["max_queue"] = run.MaxQueue,
            };
        }

        return new JsonObject
        {
            ["trace"] = report.Trace.Description,
            ["seconds"] = report.Trace.Seconds,
            ["reference_objective_s"] = ScaleFromZeroComparison.ReferenceObjectiveSeconds,
            ["llm_usd_per_request"] = LlmPrice.PerRequestUsd,
            ["llm_price_source"] = LlmPrice.Source,
            ["policies"] = policies,
        };
    }

    private static JsonNode? Round(double? value, int digits) => value is { } v ? Math.Round(v, digits) : null;

    private static string Markdown(IReadOnlyList<TraceReport> reports, ServiceRate rate, SimulationOptions options, string date, string machine)
    {
        var text = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        text.AppendLine("# Autoscaler fleet simulation");
        text.AppendLine();
        text.AppendLine(c, $"Date: {date}. Machine: {machine}.");
        text.AppendLine(c, $"Service rate: {rate.RequestsPerSecond:0.##} requests/s per replica ({rate.Source}). Warm-up U({options.WarmupMin:0}, {options.WarmupMax:0}) s, SLO: wait <= {options.SloSeconds:0.#} s, queue bound {options.QueueCapacity} requests, band {options.BandLow:0.00}-{options.BandHigh:0.00}.");
        foreach (var report in reports)
        {
            text.AppendLine();
            text.AppendLine(c, $"## {report.Trace.Name}: {report.Trace.Description}");
            text.AppendLine();
            text.AppendLine("| autoscaler | time in band | p99 wait (s) | SLO misses | dropped | replica-hours | oracle replica-hours | vs oracle | scale events | max queue |");
            text.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            Row(text, "SLM Fleet", report.Autoscaler);
            Row(text, "Kubernetes HPA (70 %)", report.Hpa);
            Row(text, "SLM Fleet, strict band (no consolidation)", report.StrictBand);
        }

        return text.ToString();
    }

    private static string ColdStartMarkdown(ColdStartReport report, SimulationOptions options)
    {
        var text = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        var reference = ScaleFromZeroComparison.ReferenceObjectiveSeconds;
        text.AppendLine();
        text.AppendLine(c, $"## {report.Trace.Name}: {report.Trace.Description}");
        text.AppendLine();
        text.AppendLine(c, $"Cold-start policies (the router's shared rule, ColdStartPlanner) on the same requests; the operator's autoscaler with minReplicas 0 scales 0 -> 1 {options.DemandReactionSeconds:0.#} s after the first request finds no replica, then by metrics. One router, holding at most maxQueued requests. Wait: to the start of SLM service, or to escalation. Cold requests: those that arrived while no replica was ready. LLM spend: ${LlmPrice.PerRequestUsd:0.####} per escalated request ({ServiceRate.AssumedTokensPerRequest:0} tokens at ${LlmPrice.OutputUsdPerMillionTokens:0.00} per million, {LlmPrice.Source}; prompts not priced).");
        if (report.Runs.Count > 0 && report.Runs[0].ColdStart is { } first)
        {
            text.AppendLine();
            text.AppendLine(c, $"The fleet reached 0 replicas at {Seconds(first.ZeroReplicasAt)}; the first request found no replica at {Seconds(first.FirstColdRequestAt)}.");
        }

        text.AppendLine();
        text.AppendLine(c, $"| policy | objective (s) | dropped | cold requests | held | escalated | escalations by cause | LLM spend (USD) | p99 wait, SLM (s) | p99 wait, overall (s) | p99 wait, cold requests (s) | held > objective | waited > objective | waited > {reference:0} s | first replica ready after (s) | replica-hours |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var run in report.Runs)
        {
            var cold = run.ColdStart!;
            var causes = cold.Escalations.Count == 0 ? "-" : string.Join(", ", cold.Escalations.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => string.Create(c, $"{e.Key} {e.Value}")));
            var objective = cold.Policy.CanEscalate ? cold.Policy.ObjectiveSeconds.ToString("0", c) : string.Create(c, $"{cold.Policy.ObjectiveSeconds:0} (no LLM)");
            text.AppendLine(c,
                $"| {cold.Policy.Name} | {objective} | {run.Dropped} | {cold.ColdRequests} | {cold.Held} | {cold.Escalated} | {causes} | {cold.LlmSpendUsd:0.00} | {run.WaitP99Seconds:0.0} | {run.OverallWaitP99Seconds:0.0} | {cold.ColdWaitP99:0.0} | {cold.HeldBeyondObjective} | {cold.WaitedBeyondObjective} | {cold.WaitedBeyondReference} | {(cold.TimeToFirstReady is { } ready ? ready.ToString("0.0", c) : "never")} | {run.ReplicaHours:0.00} |");
        }

        return text.ToString();
    }

    private static string Seconds(double? value) =>
        value is { } v ? string.Create(CultureInfo.InvariantCulture, $"{v:0} s") : "never";

    private static void Row(StringBuilder text, string name, SimulationResult r) =>
        text.AppendLine(CultureInfo.InvariantCulture,
            $"| {name} | {r.TimeInBand:P1} | {r.WaitP99Seconds:0.000} | {r.SloMisses} | {r.Dropped} | {r.ReplicaHours:0.0} | {r.OracleReplicaHours:0.0} | {r.VsOracle:0.000}x | {r.ScaleEvents} | {r.MaxQueue} |");
}
