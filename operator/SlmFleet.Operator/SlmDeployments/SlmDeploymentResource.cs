using SlmFleet.Api;
using SlmFleet.Api.V1Alpha1;

namespace SlmFleet.Operator.SlmDeployments;

/// <summary>API coordinates of the SlmDeployment custom resource and the operator's finalizer.</summary>
internal static class SlmDeploymentResource
{
    public const string Group = ApiGroup.Group;
    public const string Version = ApiGroup.Version;
    public const string Plural = V1Alpha1SlmDeployment.Plural;

    /// <summary>Held until the owned workers are deleted, so no GPU pod outlives its SlmDeployment.</summary>
    public const string Finalizer = "slmfleet.io/cleanup";

    public const string FieldManager = "slm-operator";
}
