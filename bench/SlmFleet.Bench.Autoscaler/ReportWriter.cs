using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SlmFleet.Bench.Autoscaler;

/// <summary>Writes bench/results/autoscaler.json and autoscaler.md.</summary>
internal static class ReportWriter
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static void Write(string directory, IReadOnlyList<TraceReport> reports, ServiceRate rate, SimulationOptions options, int seed, TimeSpan elapsed)
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

        root["run"] = new JsonObject
        {
            ["date"] = date,
            ["machine"] = machine,
            ["seed"] = seed,
            ["traces_seconds"] = new JsonObject(reports.Select(r => KeyValuePair.Create(r.Trace.Name, (JsonNode?)r.Trace.Seconds))),
            ["service_rate_rps"] = rate.RequestsPerSecond,
            ["service_rate_source"] = rate.Source,
            ["slo_s"] = options.SloSeconds,
            ["queue_capacity"] = options.QueueCapacity,
            ["elapsed_s"] = Math.Round(elapsed.TotalSeconds, 1),
        };
        File.WriteAllText(Path.Combine(directory, "autoscaler.json"), root.ToJsonString(Indented) + "\n");
        File.WriteAllText(Path.Combine(directory, "autoscaler.md"), Markdown(reports, rate, options, date, machine));
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

    private static void Row(StringBuilder text, string name, SimulationResult r) =>
        text.AppendLine(CultureInfo.InvariantCulture,
            $"| {name} | {r.TimeInBand:P1} | {r.WaitP99Seconds:0.000} | {r.SloMisses} | {r.Dropped} | {r.ReplicaHours:0.0} | {r.OracleReplicaHours:0.0} | {r.ReplicaHours / r.OracleReplicaHours:0.00}x | {r.ScaleEvents} | {r.MaxQueue} |");
}
