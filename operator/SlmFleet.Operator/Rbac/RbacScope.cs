namespace SlmFleet.Operator.Rbac;

/// <summary>Where a permission must hold: decides whether the chart grants it in a ClusterRole or a Role.</summary>
internal enum RbacScope
{
    /// <summary>In every namespace that holds custom resources (a ClusterRole rule).</summary>
    Cluster,

    /// <summary>Only in the namespace the component runs in (a Role in the release namespace), e.g. leader election.</summary>
    OwnNamespace,
}
