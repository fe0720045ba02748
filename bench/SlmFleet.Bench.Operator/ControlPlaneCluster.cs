using System.Diagnostics;
using System.Globalization;
using SlmFleet.Testing;

namespace SlmFleet.Bench.Operator;

/// <summary>
/// A whole Kubernetes 1.32 control plane from <c>../shared/k8s/up.sh --full</c> (beside the repository,
/// where the Makefile finds <c>assets.sh</c>): etcd, kube-apiserver, kube-controller-manager,
/// kube-scheduler and a fake kubelet, each its own process. <c>down.sh</c> stops it on dispose.
/// </summary>
internal sealed class ControlPlaneCluster : IAsyncDisposable
{
    private static readonly string Scripts = Path.GetFullPath(Path.Combine(TestPaths.RepositoryRoot, "..", "shared", "k8s"));

    /// <summary>USER_HZ: the unit of /proc/PID/stat times, 100 on every Linux architecture .NET runs on.</summary>
    private const int ClockTicksPerSecond = 100;

    private readonly string _directory;

    private ControlPlaneCluster(string directory) => _directory = directory;

    /// <summary>The cluster-admin kubeconfig up.sh wrote.</summary>
    public string KubeconfigPath => Path.Combine(_directory, "kubeconfig");

    /// <summary>
    /// CPU time (user + system) the control plane's processes have used so far, from
    /// <c>/proc/PID/stat</c> of each process up.sh recorded in <c>DIR/NAME.pid</c>; null off Linux.
    /// On a shared machine it tells the control plane's own work apart from waiting for a core.
    /// </summary>
    public TimeSpan? CpuTime()
    {
        var total = TimeSpan.Zero;
        foreach (var pidFile in Directory.GetFiles(_directory, "*.pid"))
        {
            var stat = $"/proc/{File.ReadAllText(pidFile).Trim()}/stat";
            if (!File.Exists(stat))
            {
                return null;
            }

            // Fields after the command name (which may hold spaces, hence the last ')'): utime and stime are the 12th and 13th, in clock ticks.
            var text = File.ReadAllText(stat);
            var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
            var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            total += TimeSpan.FromSeconds(ticks / (double)ClockTicksPerSecond);
        }

        return total;
    }

    /// <summary>Why no control plane can be started here (scripts or binaries missing), or null.</summary>
    public static async Task<string?> UnavailableReasonAsync()
    {
        var assets = Path.Combine(Scripts, "assets.sh");
        if (!File.Exists(Path.Combine(Scripts, "up.sh")) || !File.Exists(assets))
        {
            return $"no {Path.Combine(Scripts, "up.sh")} or assets.sh: the real control plane is not on this machine";
        }

        var (exitCode, _, errors) = await RunAsync(assets);
        return exitCode == 0 ? null : $"{assets} failed (exit {exitCode}): {errors.Trim()}";
    }

    /// <summary>Runs up.sh --full (about 10 s); throws with its output when it fails, after stopping whatever it started.</summary>
    public static async Task<ControlPlaneCluster> StartAsync()
    {
        // A folder of our own choosing, so a failed start can still be torn down with down.sh.
        var cluster = new ControlPlaneCluster(Path.Combine(Path.GetTempPath(), "slm-bench-k8s-" + Guid.NewGuid().ToString("N")[..8]));
        var (exitCode, _, errors) = await RunAsync(Path.Combine(Scripts, "up.sh"), "--full", "--dir", cluster._directory);
        if (exitCode != 0 || !File.Exists(cluster.KubeconfigPath))
        {
            await cluster.DisposeAsync();
            throw new InvalidOperationException($"up.sh --full failed (exit {exitCode}): {errors.Trim()}");
        }

        // Ctrl+C or a failure that skips DisposeAsync must not leave the control plane running:
        // its processes are in sessions of their own (setsid) and outlive this one.
        AppDomain.CurrentDomain.ProcessExit += (_, _) => cluster.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return cluster;
    }

    public async ValueTask DisposeAsync()
    {
        if (Directory.Exists(_directory))
        {
            await RunAsync(Path.Combine(Scripts, "down.sh"), _directory);
        }
    }

    /// <summary>Runs a script to the end; returns its exit code, stdout and stderr.</summary>
    private static async Task<(int ExitCode, string Output, string Errors)> RunAsync(string script, params string[] arguments)
    {
        var info = new ProcessStartInfo(script) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {script}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout, await stderr);
    }
}
