using k8s.Models;
using SlmFleet.Operator.Catalog;

namespace SlmFleet.Operator.SlmDeployments;

/// <summary>What the status is computed from: the observation and the decisions the planner already made.</summary>
internal sealed record SlmDeploymentStatusInput(
    SlmDeploymentObserved Observed,
    IReadOnlyList<SpecProblem> Problems,
    ModelFitResult? Fit,
    AcceleratorProfile? Profile,
    WorkerSettings? Settings,
    ObjectWrite<V1Deployment>? Deployment)
{
    /// <summary>
    /// A problem with the owned objects rather than the spec (a name conflict, a write the API server
    /// refuses): Ready=False whatever runs, since the operator cannot keep the workers as specified.
    /// </summary>
    public SpecProblem? ObjectProblem { get; init; }

    /// <summary>The replica count the worker Deployment is meant to run when it differs from the spec's (a hand scale the operator honours).</summary>
    public int? EffectiveReplicas { get; init; }

    /// <summary>Whether this operator runs the autoscaler loop (see <see cref="SlmDeploymentOptions.BuiltInAutoscaler"/>).</summary>
    public bool BuiltInAutoscaler { get; init; } = true;
}
