using System.Diagnostics;

namespace SlmFleet.Bench;

/// <summary>
/// Samples another process's resident set size (VmRSS in /proc/PID/status, else the working set)
/// every <c>interval</c> on a background task and keeps the peak since the last <see cref="TakePeakMiB"/>.
/// A single reading at the end of a phase misses the transient peaks an overload produces, and
/// VmHWM cannot be reset per phase, so the benchmarks that show "memory stays bounded" use this.
/// </summary>
internal sealed class ResidentMemorySampler : IAsyncDisposable
{
    private readonly int _processId;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly Lock _lock = new();
    private double _peakMiB;

    public ResidentMemorySampler(int processId, TimeSpan interval)
    {
        _processId = processId;
        _peakMiB = ReadMiB(processId);
        _loop = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(interval);
            try
            {
                while (await timer.WaitForNextTickAsync(_stop.Token))
                {
                    var now = ReadMiB(_processId);
                    lock (_lock)
                    {
                        _peakMiB = Math.Max(_peakMiB, now);
                    }
                }
            }
            catch (OperationCanceledException)
            {
                // Disposed.
            }
        });
    }

    /// <summary>Current resident set size in MiB (0 when the process has exited).</summary>
    public double CurrentMiB() => ReadMiB(_processId);

    /// <summary>The highest sample since the previous call (or since start), then starts a new window at the current size.</summary>
    public double TakePeakMiB()
    {
        var now = ReadMiB(_processId);
        lock (_lock)
        {
            var peak = Math.Max(_peakMiB, now);
            _peakMiB = now;
            return peak;
        }
    }

    public static double ReadMiB(int processId)
    {
        try
        {
            if (ProcStatus.MiB(processId, "VmRSS") is { } resident)
            {
                return resident;
            }

            using var process = Process.GetProcessById(processId);
            return process.WorkingSet64 / (1024.0 * 1024.0);
        }
        catch (Exception ex) when (ex is IOException or ArgumentException or InvalidOperationException)
        {
            return 0;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }
}
