using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SlmFleet.Bench.Worker;

/// <summary>Writes bench/results/worker.json (the keys the README table reads) and worker.md.</summary>
internal static class ResultWriter
{
    public static void Write(string repositoryRoot, JsonObject results, IReadOnlyList<LoadResult> loads, double engineOnlyTokensPerSecond, double engineOnlyBatch16TokensPerSecond)
    {
        var directory = Path.Combine(repositoryRoot, "bench", "results");
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "worker.json"), results.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");

        var md = new StringBuilder();
        md.AppendLine("# Worker benchmark");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Date: {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC. Machine: {Machine()}.");
        md.AppendLine();
        md.AppendLine("| metric | value |");
        md.AppendLine("| --- | --- |");
        foreach (var (key, value) in results)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {key} | {value} |");
        }

        md.AppendLine();
        md.AppendLine("| concurrency | requests | tokens | seconds | tokens/s | TTFT p50 ms |");
        md.AppendLine("| --- | --- | --- | --- | --- | --- |");
        foreach (var load in loads)
        {
            var ttft = load.TtftMilliseconds.Order().ToList();
            md.AppendLine(CultureInfo.InvariantCulture, $"| {load.Concurrency} | {ttft.Count} | {load.Tokens} | {load.Seconds:F2} | {load.TokensPerSecond:F1} | {ttft[(ttft.Count - 1) / 2]:F0} |");
        }

        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Engine alone (no gRPC, no scheduler): batch 1 {engineOnlyTokensPerSecond:F1} tokens/s, batch 16 {engineOnlyBatch16TokensPerSecond:F1} tokens/s.");
        md.AppendLine("Each concurrency level ran 3 times; the table shows the fastest run. TTFT percentiles in the first table are over every request of every run; 64 new tokens per request.");
        File.WriteAllText(Path.Combine(directory, "worker.md"), md.ToString());
    }

    // The load average says whether other work shared the cores during the run.
    public static string Machine() => $"{BenchMachine.Description}, load average {BenchMachine.LoadAverage}";
}
