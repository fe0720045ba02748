using System.Diagnostics;
using System.Globalization;

namespace SlmFleet.Bench.Operator;

/// <summary>Peak resident set size of this process: VmHWM from /proc/self/status on Linux, else PeakWorkingSet64.</summary>
internal static class PeakMemory
{
    public static double Megabytes()
    {
        const string Status = "/proc/self/status";
        if (File.Exists(Status))
        {
            var line = File.ReadLines(Status).FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            if (line is not null)
            {
                var kb = long.Parse(line["VmHWM:".Length..].Replace("kB", string.Empty, StringComparison.Ordinal).Trim(), CultureInfo.InvariantCulture);
                return kb / 1024.0;
            }
        }

        using var process = Process.GetCurrentProcess();
        return process.PeakWorkingSet64 / (1024.0 * 1024.0);
    }
}
