namespace SlmFleet.Operator.Rbac;

/// <summary>
/// Every Kubernetes API call the operator makes, as RBAC rules. This is the declaration the Helm chart's
/// rules (charts/slm-fleet/files/rbac/operator.yaml) are checked against by the chart tests, so a call
/// added here without a chart rule, or a chart rule without a call here, fails the build's tests.
/// Code that calls the API should assert <see cref="Allows"/> for its call (least privilege stays honest).
/// </summary>
internal static class OperatorRbac
{
    private static readonly string[] ReadWrite = ["get", "list", "watch", "update", "patch"];
    private static readonly string[] StatusWrite = ["get", "update", "patch"];
    private static readonly string[] Owned = ["get", "list", "watch", "create", "update", "patch", "delete"];
    private static readonly string[] ReadOnly = ["get", "list", "watch"];
    private static readonly string[] EventWrite = ["create", "patch"];

    /// <summary>The operator's rules, in the order the chart lists them.</summary>
    public static IReadOnlyList<RbacRule> Rules { get; } =
    [
        // Its own custom resources: watch them, remove the finalizer older versions set (patch), write
        // status and scale.
        new("slmfleet.io", "slmdeployments", ReadWrite),
        new("slmfleet.io", "slmdeployments/status", StatusWrite),
        new("slmfleet.io", "slmdeployments/scale", StatusWrite),
        // Not for a finalizer (the operator sets none): where the OwnerReferencesPermissionEnforcement
        // admission plugin runs, setting ownerReferences[].blockOwnerDeletion=true on the owned objects
        // needs update on the owner's finalizers subresource.
        new("slmfleet.io", "slmdeployments/finalizers", ["update"]),
        new("slmfleet.io", "routingpolicies", ReadWrite),
        new("slmfleet.io", "routingpolicies/status", StatusWrite),
        // The objects it owns for each SlmDeployment. The operator deletes none of them (the garbage
        // collector does), but OwnerReferencesPermissionEnforcement demands delete on an object for an
        // update that changes its ownerReferences (re-adopting an orphaned worker Deployment).
        new("apps", "deployments", Owned),
        new(string.Empty, "services", Owned),
        new("policy", "poddisruptionbudgets", Owned),
        // Worker pods: readiness, warming time, utilization scraping.
        new(string.Empty, "pods", ReadOnly),
        // An HPA (or KEDA's) scaling an SlmDeployment makes the built-in autoscaler stand down.
        new("autoscaling", "horizontalpodautoscalers", ReadOnly),
        // The model-cache and model-source claims every replica mounts: do they exist, are they shareable.
        new(string.Empty, "persistentvolumeclaims", ReadOnly),
        // Existence of referenced Secrets (model-source tokens, LLM keys); never their values in output.
        new(string.Empty, "secrets", ReadOnly),
        new(string.Empty, "events", EventWrite),
        new("events.k8s.io", "events", EventWrite),
        // Leader election Lease, in the operator's own namespace.
        new("coordination.k8s.io", "leases", ["get", "create", "update"], RbacScope.OwnNamespace),
    ];

    /// <summary>Whether the declaration covers <paramref name="verb"/> on the resource.</summary>
    public static bool Allows(string apiGroup, string resource, string verb) =>
        Rules.Any(rule => rule.Allows(apiGroup, resource, verb));
}
