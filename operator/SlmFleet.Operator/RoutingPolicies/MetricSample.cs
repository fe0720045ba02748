namespace SlmFleet.Operator.RoutingPolicies;

/// <summary>One sample of the Prometheus text format: a metric name, its labels and the value.</summary>
internal sealed record MetricSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value)
{
    public string Label(string name) => Labels.TryGetValue(name, out var value) ? value : string.Empty;
}
