namespace SlmFleet.Chart.Tests.Metrics;

/// <summary>What a scan of the source found: the metrics created, and creation calls whose name it could not resolve.</summary>
internal sealed record MetricScanResult(IReadOnlyList<ExportedMetric> Metrics, IReadOnlyList<string> Unresolved, int FilesScanned)
{
    public IReadOnlySet<string> SeriesNames { get; } = Metrics.SelectMany(m => m.SeriesNames).ToHashSet(StringComparer.Ordinal);
}
