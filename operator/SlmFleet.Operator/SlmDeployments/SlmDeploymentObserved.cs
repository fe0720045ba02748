using k8s.Models;
using SlmFleet.Api.V1Alpha1;

namespace SlmFleet.Operator.SlmDeployments;

/// <summary>Everything the planner may look at, read by the executor from the API server (or a test).</summary>
internal sealed record SlmDeploymentObserved
{
    public required V1Alpha1SlmDeployment Resource { get; init; }

    /// <summary>The worker Deployment this resource owns, if it exists.</summary>
    public V1Deployment? Deployment { get; init; }

    public V1Service? Service { get; init; }

    public V1PodDisruptionBudget? DisruptionBudget { get; init; }

    /// <summary>Keys of spec.model.source.secretRef's Secret; null when it does not exist (or none is referenced).</summary>
    public IReadOnlyCollection<string>? SourceSecretKeys { get; init; }

    /// <summary>Fleet token throughput the workers report; null keeps the last known value.</summary>
    public double? TokensPerSecond { get; init; }

    /// <summary>
    /// Writes of this reconcile the API server refused (the executor observes them and plans again, so
    /// status and Events report them); empty on the first pass.
    /// </summary>
    public IReadOnlyList<WriteFailure> WriteFailures { get; init; } = [];

    /// <summary>Time of this reconcile, stamped on conditions that change (the planner reads no clock).</summary>
    public required DateTime Now { get; init; }
}
