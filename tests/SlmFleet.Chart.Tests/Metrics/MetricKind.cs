namespace SlmFleet.Chart.Tests.Metrics;

/// <summary>The prometheus-net metric types, which decide the series names a metric exports.</summary>
internal enum MetricKind
{
    Counter,
    Gauge,
    Histogram,
    Summary,
}
