using k8s.Models;
using SlmFleet.Api;
using SlmFleet.Api.V1Alpha1;

namespace SlmFleet.Operator.SlmDeployments;

/// <summary>API coordinates of the SlmDeployment custom resource, and the finalizer older operator versions set on it.</summary>
internal static class SlmDeploymentResource
{
    public const string Group = ApiGroup.Group;
    public const string Version = ApiGroup.Version;
    public const string Plural = V1Alpha1SlmDeployment.Plural;

    /// <summary>
    /// The finalizer older operator versions put on every SlmDeployment. It is never added any more: the
    /// owned Deployment, Service and PodDisruptionBudget carry owner references, so the garbage collector
    /// deletes them, and a finalizer only made deletion hang in Terminating whenever the operator was down.
    /// The operator still removes it from objects created by those versions.
    /// </summary>
    public const string LegacyFinalizer = "slmfleet.io/cleanup";

    public const string FieldManager = "slm-operator";

    /// <summary>
    /// The finalizers to keep when <paramref name="metadata"/> carries <see cref="LegacyFinalizer"/>
    /// (every other controller's, in order); null when it does not, so there is nothing to remove.
    /// </summary>
    public static List<string>? WithoutLegacyFinalizer(V1ObjectMeta metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        return metadata.Finalizers?.Contains(LegacyFinalizer) == true
            ? [.. metadata.Finalizers.Where(f => f != LegacyFinalizer)]
            : null;
    }
}
