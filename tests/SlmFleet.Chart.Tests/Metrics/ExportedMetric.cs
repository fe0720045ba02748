namespace SlmFleet.Chart.Tests.Metrics;

/// <summary>A metric created in code, with the file it is created in and its label names.</summary>
internal sealed record ExportedMetric(string Name, MetricKind Kind, string File, IReadOnlySet<string> Labels)
{
    /// <summary>The series names Prometheus sees: histograms add _bucket/_sum/_count, summaries _sum/_count.</summary>
    public IEnumerable<string> SeriesNames => Kind switch
    {
        MetricKind.Histogram => [Name + "_bucket", Name + "_sum", Name + "_count"],
        MetricKind.Summary => [Name, Name + "_sum", Name + "_count"],
        _ => [Name],
    };
}
