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

    /// <summary>HorizontalPodAutoscalers whose scaleTargetRef is this SlmDeployment or its worker Deployment.</summary>
    public IReadOnlyList<V2HorizontalPodAutoscaler> Autoscalers { get; init; } = [];

    /// <summary>The PersistentVolumeClaims the spec mounts that exist, by name: a referenced claim missing here does not exist.</summary>
    public IReadOnlyDictionary<string, V1PersistentVolumeClaim> Claims { get; init; } = new Dictionary<string, V1PersistentVolumeClaim>(StringComparer.Ordinal);

    /// <summary>RoutingPolicies of the namespace; null when the operator does not watch them (the ScaleFromZero check is then skipped).</summary>
    public IReadOnlyList<V1Alpha1RoutingPolicy>? RoutingPolicies { get; init; }

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
