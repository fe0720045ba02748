using System.Globalization;
using System.Text.Json;
using SlmFleet.Bench;
using SlmFleet.Bench.Operator;
using SlmFleet.Testing;

if (args is [ApiServerHost.Flag])
{
    await ApiServerHost.RunAsync(Console.In, Console.Out);
    return 0;
}

// make bench runs this with no arguments: 1,000 objects. `-- 200` runs a smaller fleet.
var objects = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1000;
var result = await new OperatorBenchmark(objects, Console.Out).RunAsync();

var results = Path.Combine(TestPaths.RepositoryRoot, "bench", "results");
Directory.CreateDirectory(results);
var json = JsonSerializer.Serialize(result, new JsonSerializerOptions { WriteIndented = true });
await File.WriteAllTextAsync(Path.Combine(results, "operator.json"), json + "\n");

// A shared machine's load changes the converge time a lot: record it beside the numbers.
var machine = $"{BenchMachine.Description}, load average {BenchMachine.LoadAverage}";
var markdown = string.Join("\n",
[
    "# Operator benchmark",
    "",
    $"Date: {DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC. Machine: {machine}.",
    "",
    "| metric | value | target |",
    "| --- | --- | --- |",
    string.Create(CultureInfo.InvariantCulture, $"| SlmDeployments created at once | {result.Objects} | 1,000 |"),
    string.Create(CultureInfo.InvariantCulture, $"| time to converge | {result.ConvergeSeconds:F2} s | ≤ 30 s |"),
    string.Create(CultureInfo.InvariantCulture, $"| operator API requests per object | {result.RequestsPerObject:F2} | ≤ 5 |"),
    string.Create(CultureInfo.InvariantCulture, $"| writes during a full resync at steady state | {result.SteadyStateWrites} | 0 |"),
    string.Create(CultureInfo.InvariantCulture, $"| operator peak RSS (API test server in a separate process) | {result.PeakRssMb:F1} MB | < 300 MB |"),
    "",
]);
await File.WriteAllTextAsync(Path.Combine(results, "operator.md"), markdown);
Console.WriteLine(json);
return 0;
