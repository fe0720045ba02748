using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using SlmFleet.Bench.Operator;
using SlmFleet.Testing;

const string ModeFlag = "--mode";
const string InProcessOnlyFlag = "--in-process-only";
const int ConvergeRepeats = 3;
var jsonOptions = new JsonSerializerOptions { WriteIndented = true };

switch (args)
{
    case [ApiServerHost.Flag]:
        await ApiServerHost.RunAsync(Console.In, Console.Out);
        return 0;
    case [ClusterObserverHost.Flag, var kubeconfig, var ns]:
        await ClusterObserverHost.RunAsync(kubeconfig, ns, Console.In, Console.Out);
        return 0;
    case [ModeFlag, var mode, var count, var resultFile]:
        // One mode in a process of its own, so the peak RSS it reports (VmHWM, which never goes
        // down) is that mode's operator alone.
        var size = int.Parse(count, CultureInfo.InvariantCulture);
        object modeResult = mode switch
        {
            "real" => await new ControlPlaneBenchmark(size, Console.Out).RunAsync(),
            "converge" => await new ControlPlaneBenchmark(size, Console.Out).ConvergeOnlyAsync(),
            "floor" => await new ControlPlaneBenchmark(size, Console.Out).FloorAsync(),
            _ => await new OperatorBenchmark(size, Console.Out).RunAsync(),
        };
        await File.WriteAllTextAsync(resultFile, JsonSerializer.Serialize(modeResult, modeResult.GetType(), jsonOptions));
        return 0;
}

// make bench runs this with no arguments: 1,000 objects, in-process then on the real control plane.
// `-- 200` runs a smaller fleet; `--in-process-only` skips the real control plane.
var objects = args.FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal)) is { } given ? int.Parse(given, CultureInfo.InvariantCulture) : 1000;
var exitCode = 0;
Console.WriteLine($"=== operator, in-process API test server, {objects} SlmDeployments");
var result = await RunModeAsync<OperatorBenchmarkResult>("in-process", objects)
    ?? throw new InvalidOperationException("the in-process operator benchmark failed; see its output above");
var skipped = args.Contains(InProcessOnlyFlag) ? $"{InProcessOnlyFlag} was given" : await ControlPlaneCluster.UnavailableReasonAsync();
if (skipped is null)
{
    Console.WriteLine($"=== operator, real control plane (up.sh --full), {objects} SlmDeployments");
    var real = await RunModeAsync<ControlPlaneResult>("real", objects);
    if (real is not null)
    {
        // The converge time moves with the machine's load (the control plane saturates both cores):
        // repeat that phase on fresh control planes, alternating with the floor writer (the least any
        // controller must send), so the report shows the spread and the peer measured beside it.
        var repeats = new List<ConvergeRun>();
        for (var i = 0; i < ConvergeRepeats; i++)
        {
            foreach (var peer in new[] { "floor", "converge" })
            {
                Console.WriteLine($"=== operator, real control plane, converge phase again: {peer} ({i + 1} of {ConvergeRepeats})");
                if (await RunModeAsync<ConvergeRun>(peer, objects) is { } repeat)
                {
                    repeats.Add(repeat);
                }
            }
        }

        real = real with { ConvergeRepeats = repeats };
    }

    result = real is null ? result with { RealControlPlaneSkipped = "the real control-plane run failed; see the benchmark output" } : result with { RealControlPlane = real };
    exitCode = real is null ? 1 : 0;
}
else
{
    Console.WriteLine($"=== operator, real control plane skipped: {skipped}");
    result = result with { RealControlPlaneSkipped = skipped };
}

var results = Path.Combine(TestPaths.RepositoryRoot, "bench", "results");
Directory.CreateDirectory(results);
var json = JsonSerializer.Serialize(result, jsonOptions);
await File.WriteAllTextAsync(Path.Combine(results, "operator.json"), json + "\n");
await File.WriteAllTextAsync(Path.Combine(results, "operator.md"), OperatorReport.Markdown(result, DateTime.UtcNow));
Console.WriteLine(json);
return exitCode;

// Runs one mode as a child process (this executable with --mode); null when it failed.
static async Task<T?> RunModeAsync<T>(string mode, int objects)
    where T : class
{
    var resultFile = Path.GetTempFileName();
    try
    {
        var start = BenchChildProcess.StartInfo(ModeFlag, mode, objects.ToString(CultureInfo.InvariantCulture), resultFile);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"the {mode} benchmark process did not start");
        await process.WaitForExitAsync();
        return process.ExitCode == 0 ? JsonSerializer.Deserialize<T>(await File.ReadAllTextAsync(resultFile)) : null;
    }
    finally
    {
        File.Delete(resultFile);
    }
}
