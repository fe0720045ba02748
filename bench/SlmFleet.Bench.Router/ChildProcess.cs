using System.Diagnostics;

namespace SlmFleet.Bench.Router;

/// <summary>A process the benchmark started (router, Portkey, nginx); killed, by its own id, on dispose.</summary>
internal sealed class ChildProcess : IDisposable
{
    private readonly Process _process;

    private ChildProcess(Process process) => _process = process;

    public static ChildProcess Start(string fileName, IEnumerable<string> arguments, string logFile, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {fileName}");
        var log = new StreamWriter(logFile) { AutoFlush = true };
        process.OutputDataReceived += (_, e) => { lock (log) { log.WriteLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (log) { log.WriteLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new ChildProcess(process);
    }

    public bool HasExited => _process.HasExited;

    /// <summary>Operating-system process id (memory is read from /proc/ID).</summary>
    public int Id => _process.Id;

    /// <summary>
    /// CPU time (user + system) of the process and its direct children (nginx workers), from
    /// /proc/&lt;pid&gt;/stat; zero where /proc is not available.
    /// </summary>
    public TimeSpan CpuTime()
    {
        long ticks = 0;
        var root = _process.Id;
        foreach (var dir in Directory.Exists("/proc") ? Directory.EnumerateDirectories("/proc") : [])
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }

            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                var parent = int.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture);
                if (pid == root || parent == root)
                {
                    ticks += long.Parse(fields[11], System.Globalization.CultureInfo.InvariantCulture) + long.Parse(fields[12], System.Globalization.CultureInfo.InvariantCulture);
                }
            }
            catch (IOException)
            {
                // The process ended between listing and reading.
            }
        }

        // Kernel clock ticks are 100 per second on Linux.
        return TimeSpan.FromSeconds(ticks / 100.0);
    }

    /// <summary>Polls <paramref name="url"/> until it answers (any status) or the timeout passes.</summary>
    public async Task<bool> WaitForHttpAsync(Uri url, TimeSpan timeout)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline && !_process.HasExited)
        {
            try
            {
                // Any answer means "up" for a peer's root page; the router's /readyz answers 503 until it is warm.
                using var response = await client.GetAsync(url);
                if (response.IsSuccessStatusCode || !url.AbsolutePath.EndsWith("/readyz", StringComparison.Ordinal))
                {
                    return true;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }

            await Task.Delay(100);
        }

        return false;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }

        _process.Dispose();
    }
}
