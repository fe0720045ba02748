using System.Runtime.InteropServices;

namespace SlmFleet.Bench;

/// <summary>
/// The machine line every benchmark result carries (a README number must say where it ran). Linked
/// into each benchmark project as source, so the benchmarks share it without a project of their own.
/// </summary>
internal static class BenchMachine
{
    /// <summary>CPU model, cores, OS and .NET runtime, e.g. "Intel(R) Xeon(R) Processor, 2 cores, Debian GNU/Linux 12 (bookworm), .NET 10.0.12".</summary>
    public static string Description => $"{Cpu}, {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, .NET {Environment.Version}";

    /// <summary>The 1, 5 and 15 minute load averages: whether other work shared the cores during the run.</summary>
    public static string LoadAverage => File.Exists("/proc/loadavg")
        ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3))
        : "n/a";

    private static string Cpu => (File.Exists("/proc/cpuinfo")
        ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
        : null) ?? RuntimeInformation.ProcessArchitecture.ToString();
}
