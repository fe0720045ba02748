using System.Globalization;

namespace SlmFleet.Bench;

/// <summary>Memory fields of /proc/PID/status (Linux), shared by the benchmarks' memory readings.</summary>
internal static class ProcStatus
{
    /// <summary>
    /// A kB field such as <c>VmRSS</c> (resident now) or <c>VmHWM</c> (resident peak) in MiB, of
    /// <paramref name="processId"/> or, when null, of this process; null where /proc has no such file or field.
    /// </summary>
    public static double? MiB(int? processId, string field)
    {
        var status = processId is { } id ? $"/proc/{id}/status" : "/proc/self/status";
        if (!File.Exists(status))
        {
            return null;
        }

        var prefix = field + ":";
        var line = File.ReadLines(status).FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal));
        return line is null
            ? null
            : long.Parse(line[prefix.Length..].Replace("kB", string.Empty, StringComparison.Ordinal).Trim(), CultureInfo.InvariantCulture) / 1024.0;
    }
}
