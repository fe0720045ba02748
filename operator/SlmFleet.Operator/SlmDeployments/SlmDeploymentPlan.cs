using k8s.Models;
using SlmFleet.Api.V1Alpha1;
using SlmFleet.Operator.Events;

namespace SlmFleet.Operator.SlmDeployments;

/// <summary>
/// The reconcile decision. Owned objects are null when the rollout is blocked (invalid spec or the model
/// does not fit): the running workers are then left exactly as they are.
/// </summary>
internal sealed record SlmDeploymentPlan
{
    public ObjectWrite<V1Deployment>? Deployment { get; init; }

    public ObjectWrite<V1Service>? Service { get; init; }

    public ObjectWrite<V1PodDisruptionBudget>? DisruptionBudget { get; init; }

    public required SlmDeploymentStatus Status { get; init; }

    /// <summary>True when <see cref="Status"/> differs from the observed status and must be written.</summary>
    public required bool StatusChanged { get; init; }

    public required IReadOnlyList<PlannedEvent> Events { get; init; }

    /// <summary>The problems that blocked the rollout; empty when it may proceed.</summary>
    public required IReadOnlyList<SpecProblem> Problems { get; init; }

    /// <summary>
    /// The owned objects cannot be written now and no Event or watch will say when they can: a name
    /// taken by a foreign object, or workers of an earlier SlmDeployment of the same name awaiting the
    /// garbage collector. The key is retried with the queue's back-off (each retry reads caches only).
    /// </summary>
    public bool RetryLater { get; init; }

    /// <summary>Whether the worker Deployment is created or changed by this plan.</summary>
    public bool RollOut => Deployment is { Kind: not WriteKind.None };

    /// <summary>Number of API writes this plan needs (owned objects plus status; Events not counted).</summary>
    public int Writes =>
        (Deployment is { Kind: not WriteKind.None } ? 1 : 0) +
        (Service is { Kind: not WriteKind.None } ? 1 : 0) +
        (DisruptionBudget is { Kind: not WriteKind.None } ? 1 : 0) +
        (StatusChanged ? 1 : 0);
}
