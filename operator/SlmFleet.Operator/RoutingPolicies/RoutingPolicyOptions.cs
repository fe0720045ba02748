namespace SlmFleet.Operator.RoutingPolicies;

/// <summary>How the operator finds the routers and how often it reads their usage.</summary>
internal sealed record RoutingPolicyOptions
{
    /// <summary>How often the routers' /metrics are read; policies are re-planned at the same pace.</summary>
    public TimeSpan UsageInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Namespace of the router pods; null: the operator's own namespace.</summary>
    public string? RouterNamespace { get; init; }

    /// <summary>Label selector of the router pods.</summary>
    public string RouterSelector { get; init; } = "app.kubernetes.io/component=router";

    /// <summary>Metrics port used when a router pod declares no container port named <c>metrics</c>.</summary>
    public int RouterMetricsPort { get; init; } = 9090;

    /// <summary>Fixed router /metrics URLs (e.g. local runs); when any are given, pods are not listed.</summary>
    public IReadOnlyList<Uri> RouterMetricsUrls { get; init; } = [];

    /// <summary>Per-router timeout of one /metrics read.</summary>
    public TimeSpan ScrapeTimeout { get; init; } = TimeSpan.FromSeconds(5);
}
