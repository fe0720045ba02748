namespace SlmFleet.Chart.Tests.Metrics;

/// <summary>A metric name the chart uses, and where (an alert or a dashboard panel/variable).</summary>
internal sealed record MetricUse(string Name, string Where);
