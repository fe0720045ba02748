using SlmFleet.Testing;
using YamlDotNet.RepresentationModel;

namespace SlmFleet.Chart.Tests.Infrastructure;

/// <summary>Committed files the tests read besides the rendered output.</summary>
internal static class ChartFiles
{
    public static string MetricsFile { get; } = Path.Combine(Helm.ChartDirectory, "files", "metrics.yaml");

    /// <summary>docs/operations.md: the alert runbook, the dashboard rows and the metrics they need.</summary>
    public static string OperationsDoc { get; } = Path.Combine(TestPaths.RepositoryRoot, "docs", "operations.md");

    /// <summary>files/metrics.yaml: logical key → exported metric name.</summary>
    public static IReadOnlyDictionary<string, string> MetricNames()
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(File.ReadAllText(MetricsFile)));
        var mapping = (YamlMappingNode)stream.Documents[0].RootNode;
        return mapping.Children.ToDictionary(
            pair => ((YamlScalarNode)pair.Key).Value!,
            pair => ((YamlScalarNode)pair.Value).Value!,
            StringComparer.Ordinal);
    }

    /// <summary>Copies the chart to a temporary folder, so a test can break a copy and watch a check fail.</summary>
    public static string CopyChart()
    {
        var target = Path.Combine(Path.GetTempPath(), "slm-fleet-chart-" + Guid.NewGuid().ToString("N"), "slm-fleet");
        foreach (var file in Directory.EnumerateFiles(Helm.ChartDirectory, "*", SearchOption.AllDirectories))
        {
            var destination = Path.Combine(target, Path.GetRelativePath(Helm.ChartDirectory, file));
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
        }

        return target;
    }
}
