using k8s.Models;
using SlmFleet.Api.V1Alpha1;

namespace SlmFleet.Operator.SlmDeployments;

/// <summary>Labels, annotations and owner references shared by every object the reconciler owns.</summary>
internal static class WorkerLabels
{
    public const string DeploymentLabel = "slmfleet.io/deployment";
    public const string DesiredHashAnnotation = "slmfleet.io/desired-hash";
    public const string ManagedBy = "slm-operator";
    public const string AppName = "slm-worker";
    public const string Component = "inference-worker";

    /// <summary>Name of the worker Deployment, Service and PodDisruptionBudget of an SlmDeployment.</summary>
    public static string WorkloadName(string name) => name + WorkloadSuffix;

    /// <summary>The immutable selector: never add to it, a Deployment's selector cannot change.</summary>
    public static Dictionary<string, string> Selector(string name) => new(StringComparer.Ordinal)
    {
        ["app.kubernetes.io/name"] = AppName,
        [DeploymentLabel] = name,
    };

    public static Dictionary<string, string> All(string name) => new(StringComparer.Ordinal)
    {
        ["app.kubernetes.io/name"] = AppName,
        ["app.kubernetes.io/instance"] = name,
        ["app.kubernetes.io/managed-by"] = ManagedBy,
        ["app.kubernetes.io/component"] = Component,
        [DeploymentLabel] = name,
    };

    /// <summary>The selector in the string form the scale subresource (HPA, KEDA) expects.</summary>
    public static string SelectorString(string name) =>
        string.Join(",", Selector(name).OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key + "=" + p.Value));

    public static V1OwnerReference OwnerReference(V1Alpha1SlmDeployment owner) => new()
    {
        ApiVersion = owner.ApiVersion,
        Kind = owner.Kind,
        Name = owner.Metadata.Name,
        Uid = owner.Metadata.Uid,
        BlockOwnerDeletion = true,
        Controller = true,
    };

    /// <summary>The replica count the operator last asked the worker Deployment for (see <see cref="DesiredStateComparer"/>).</summary>
    public const string ReplicasAnnotation = "slmfleet.io/replicas";

    private const string WorkloadSuffix = "-worker";

    /// <summary>The SlmDeployment whose workers would carry <paramref name="workloadName"/>; null for other names.</summary>
    public static string? OwnerName(string workloadName) =>
        workloadName.EndsWith(WorkloadSuffix, StringComparison.Ordinal) && workloadName.Length > WorkloadSuffix.Length
            ? workloadName[..^WorkloadSuffix.Length]
            : null;

    /// <summary>
    /// Classifies an object found under the workers' name by its controller owner reference — not by
    /// labels, which anyone may remove.
    /// </summary>
    public static OwnerState Owner(V1ObjectMeta? live, V1Alpha1SlmDeployment owner)
    {
        if (live is null)
        {
            return OwnerState.Absent;
        }

        var controller = live.OwnerReferences?.FirstOrDefault(r => r.Controller == true);
        if (controller is null)
        {
            return OwnerState.Foreign;
        }

        if (controller.Uid == owner.Metadata.Uid)
        {
            return OwnerState.Ours;
        }

        return controller.Kind == V1Alpha1SlmDeployment.KindName && controller.Name == owner.Metadata.Name
            ? OwnerState.PreviousIncarnation
            : OwnerState.Foreign;
    }

    /// <summary>Whether an SlmDeployment (any) is the controller of the object.</summary>
    public static bool ControlledBySlmDeployment(V1ObjectMeta? metadata) =>
        metadata?.OwnerReferences?.Any(r => r.Controller == true && r.Kind == V1Alpha1SlmDeployment.KindName
            && r.ApiVersion?.StartsWith(SlmDeploymentResource.Group + "/", StringComparison.Ordinal) == true) == true;

    /// <summary>The digest annotation the operator stamped on a live object, if any.</summary>
    public static string? DesiredHash(V1ObjectMeta? metadata) =>
        metadata?.Annotations is { } annotations && annotations.TryGetValue(DesiredHashAnnotation, out var hash) ? hash : null;

    public static V1ObjectMeta Metadata(WorkerSettings settings, V1Alpha1SlmDeployment owner) => new()
    {
        Name = settings.WorkloadName,
        NamespaceProperty = settings.Namespace,
        Labels = All(settings.Name),
        OwnerReferences = [OwnerReference(owner)],
    };
}
