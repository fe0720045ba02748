using System.Diagnostics;

namespace SlmFleet.Bench.Operator;

/// <summary>Peak resident set size of this process: VmHWM from /proc/self/status on Linux, else PeakWorkingSet64.</summary>
internal static class PeakMemory
{
    public static double Megabytes()
    {
        if (ProcStatus.MiB(null, "VmHWM") is { } peak)
        {
            return peak;
        }

        using var process = Process.GetCurrentProcess();
        return process.PeakWorkingSet64 / (1024.0 * 1024.0);
    }
}
