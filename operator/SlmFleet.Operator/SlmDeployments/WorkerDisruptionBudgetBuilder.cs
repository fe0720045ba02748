using k8s.Models;
using SlmFleet.Api.V1Alpha1;

namespace SlmFleet.Operator.SlmDeployments;

/// <summary>
/// Renders the PodDisruptionBudget of the worker pods. Pure. <c>maxUnavailable: 1</c>, not
/// <c>minAvailable: minReplicas</c>: at the warm floor the latter allows no eviction at all and blocks
/// every node drain; one pod at a time is evicted (and recreated elsewhere by the Deployment) instead.
/// </summary>
internal static class WorkerDisruptionBudgetBuilder
{
    public static V1PodDisruptionBudget Build(WorkerSettings settings, V1Alpha1SlmDeployment owner) => new()
    {
        ApiVersion = "policy/v1",
        Kind = "PodDisruptionBudget",
        Metadata = WorkerLabels.Metadata(settings, owner),
        Spec = new V1PodDisruptionBudgetSpec
        {
            MaxUnavailable = 1,
            Selector = new V1LabelSelector { MatchLabels = WorkerLabels.Selector(settings.Name) },
        },
    };
}
