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
    ObjectWrite<V1Deployment>? Deployment);
