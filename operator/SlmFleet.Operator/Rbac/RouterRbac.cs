namespace SlmFleet.Operator.Rbac;

/// <summary>
/// Every Kubernetes API call the router makes, as RBAC rules, checked against
/// charts/slm-fleet/files/rbac/router.yaml by the chart tests. It lives beside <see cref="OperatorRbac"/>
/// because the chart test project references this assembly only; move it into the router (and point the
/// test there) if the router's own code should assert it at run time.
/// </summary>
internal static class RouterRbac
{
    private static readonly string[] ReadOnly = ["get", "list", "watch"];

    /// <summary>
    /// The router's rules: its policies, their SlmDeployments, and the workers' EndpointSlices; <c>patch</c> on
    /// SlmDeployments sets the demand annotation when a request finds one scaled to zero (metadata only: the
    /// router never writes a spec or a status).
    /// </summary>
    public static IReadOnlyList<RbacRule> Rules { get; } =
    [
        new("slmfleet.io", "routingpolicies", ReadOnly),
        new("slmfleet.io", "slmdeployments", ["get", "list", "watch", "patch"]),
        new("discovery.k8s.io", "endpointslices", ReadOnly),
    ];

    /// <summary>Whether the declaration covers <paramref name="verb"/> on the resource.</summary>
    public static bool Allows(string apiGroup, string resource, string verb) =>
        Rules.Any(rule => rule.Allows(apiGroup, resource, verb));
}
