using k8s.Models;
using SlmFleet.Api.V1Alpha1;

namespace SlmFleet.Operator.SlmDeployments;

/// <summary>Renders the PodDisruptionBudget that keeps the warm replicas through node drains. Pure.</summary>
internal static class WorkerDisruptionBudgetBuilder
{
    public static V1PodDisruptionBudget Build(WorkerSettings settings, V1Alpha1SlmDeployment owner) => new()
    {
        ApiVersion = "policy/v1",
        Kind = "PodDisruptionBudget",
        Metadata = WorkerLabels.Metadata(settings, owner),
        Spec = new V1PodDisruptionBudgetSpec
        {
            MinAvailable = settings.MinReplicas,
            Selector = new V1LabelSelector { MatchLabels = WorkerLabels.Selector(settings.Name) },
        },
    };
}
