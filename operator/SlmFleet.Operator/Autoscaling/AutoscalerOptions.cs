namespace SlmFleet.Operator.Autoscaling;

/// <summary>How the operator runs the autoscaler (<c>slm-operator run --autoscale-interval</c>).</summary>
internal sealed record AutoscalerOptions
{
    /// <summary>Time between two autoscaling passes over every SlmDeployment; zero switches the autoscaler off.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Deadline of one worker's Stats call; a slower worker counts as a missing sample.</summary>
    public TimeSpan StatsTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>When set, worker load is read from this Prometheus instead of each worker's Stats RPC.</summary>
    public Uri? PrometheusUrl { get; init; }
}
