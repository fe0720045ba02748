using k8s.Models;
using SlmFleet.Api.V1Alpha1;
using SlmFleet.Operator.SlmDeployments;

namespace SlmFleet.Operator.Autoscaling;

/// <summary>
/// Which HorizontalPodAutoscalers (KEDA's included: a ScaledObject is run by an HPA it creates) scale an
/// SlmDeployment: those whose scaleTargetRef is the SlmDeployment itself (its scale subresource) or its
/// worker Deployment. While one exists the built-in autoscaler stands down. Pure.
/// </summary>
internal static class ExternalAutoscalers
{
    /// <summary>The HPAs of <paramref name="ns"/> that scale SlmDeployment <paramref name="name"/>, by name.</summary>
    public static IReadOnlyList<V2HorizontalPodAutoscaler> Targeting(IEnumerable<V2HorizontalPodAutoscaler> autoscalers, string ns, string name) =>
        [.. autoscalers
            .Where(a => (a.Metadata.NamespaceProperty ?? "default") == ns && a.Metadata.DeletionTimestamp is null && SlmDeploymentName(a) == name)
            .OrderBy(a => a.Metadata.Name, StringComparer.Ordinal)];

    /// <summary>The SlmDeployment an HPA scales, or null when its target is something else.</summary>
    public static string? SlmDeploymentName(V2HorizontalPodAutoscaler autoscaler)
    {
        var target = autoscaler.Spec?.ScaleTargetRef;
        if (target is null)
        {
            return null;
        }

        if (target.Kind == V1Alpha1SlmDeployment.KindName && InGroup(target.ApiVersion, SlmDeploymentResource.Group))
        {
            return target.Name;
        }

        return target.Kind == "Deployment" && InGroup(target.ApiVersion, "apps") ? WorkerLabels.OwnerName(target.Name) : null;
    }

    /// <summary>Whether the HPA scales the worker Deployment directly rather than the SlmDeployment.</summary>
    public static bool TargetsWorkerDeployment(V2HorizontalPodAutoscaler autoscaler) => autoscaler.Spec?.ScaleTargetRef?.Kind == "Deployment";

    /// <summary><c>HorizontalPodAutoscaler ml/qwen (minReplicas 2, maxReplicas 8)</c>: the name and the range it scales in.</summary>
    public static string Describe(V2HorizontalPodAutoscaler autoscaler) =>
        $"HorizontalPodAutoscaler {autoscaler.Metadata.NamespaceProperty}/{autoscaler.Metadata.Name} (minReplicas {autoscaler.Spec.MinReplicas ?? 1}, maxReplicas {autoscaler.Spec.MaxReplicas})";

    // The HPA controller resolves the target from apiVersion's group and kind (any version): without
    // the right group it scales nothing, so it is not counted.
    private static bool InGroup(string? apiVersion, string group)
    {
        var slash = apiVersion?.IndexOf('/', StringComparison.Ordinal) ?? -1;
        return slash > 0 && apiVersion![..slash] == group;
    }
}
