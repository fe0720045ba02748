namespace SlmFleet.Operator.SlmDeployments;

/// <summary>Operator-wide settings the planner needs (from the command line / Helm values).</summary>
internal sealed record SlmDeploymentOptions
{
    /// <summary>Worker image used when spec.image is empty (<c>--worker-image</c>).</summary>
    public string WorkerImage { get; init; } = "ghcr.io/slmfleet/slm-worker:latest";

    /// <summary>Host memory the fit check assumes for <c>cpu</c> replicas; null = the catalog's (16 GiB, m6i.xlarge).</summary>
    public double? CpuMemoryGiB { get; init; }

    /// <summary>Whether this operator runs the autoscaler loop (<c>--autoscale-interval</c> above 0): what the <c>AutoscalerActive</c> condition reports.</summary>
    public bool BuiltInAutoscaler { get; init; } = true;
}
