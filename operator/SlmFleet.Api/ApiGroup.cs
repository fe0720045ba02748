namespace SlmFleet.Api;

/// <summary>The API group and version every slmfleet.io custom resource is served under.</summary>
public static class ApiGroup
{
    /// <summary>The API group of every SLM Fleet custom resource.</summary>
    public const string Group = "slmfleet.io";

    /// <summary>The served and stored version.</summary>
    public const string Version = "v1alpha1";

    /// <summary><c>group/version</c>, as written in <c>apiVersion</c>.</summary>
    public const string ApiVersion = Group + "/" + Version;

    /// <summary>
    /// Annotation a router sets on an SlmDeployment (RFC 3339 time) when a request found no ready replica:
    /// the operator scales a fleet at zero to one at once and keeps it from going back to zero for a
    /// scale-down window after it.
    /// </summary>
    public const string DemandAnnotation = Group + "/demand-at";
}
