using System.Diagnostics;
using NUnit.Framework;
using SlmFleet.Testing;

namespace SlmFleet.Chart.Tests.Infrastructure;

/// <summary>Runs the helm binary the Makefile installs (env HELM, else &lt;repo&gt;/.tools/helm).</summary>
internal static class Helm
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    public static string ChartDirectory { get; } = Path.Combine(TestPaths.RepositoryRoot, "charts", "slm-fleet");

    public static string Executable
    {
        get
        {
            var fromEnvironment = Environment.GetEnvironmentVariable("HELM");
            var candidate = string.IsNullOrWhiteSpace(fromEnvironment)
                ? Path.Combine(TestPaths.RepositoryRoot, ".tools", "helm")
                : fromEnvironment;
            if (!File.Exists(candidate))
            {
                Assert.Fail($"helm not found at '{candidate}' (env HELM or <repo>/.tools/helm): run `make tools` first.");
            }

            return candidate;
        }
    }

    public static HelmResult Run(params string[] arguments)
    {
        var start = new ProcessStartInfo(Executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = TestPaths.RepositoryRoot,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // Keep helm away from the user's repositories and plugins: the chart has no dependencies.
        var home = Path.Combine(Path.GetTempPath(), "slm-fleet-chart-tests-helm");
        start.Environment["HELM_CACHE_HOME"] = Path.Combine(home, "cache");
        start.Environment["HELM_CONFIG_HOME"] = Path.Combine(home, "config");
        start.Environment["HELM_DATA_HOME"] = Path.Combine(home, "data");

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {start.FileName}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Timeout))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"helm {string.Join(' ', arguments)} did not finish within {Timeout}.");
        }

        return new HelmResult(process.ExitCode, stdout.GetAwaiter().GetResult(), stderr.GetAwaiter().GetResult());
    }
}
