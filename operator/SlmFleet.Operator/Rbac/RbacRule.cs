namespace SlmFleet.Operator.Rbac;

/// <summary>
/// One Kubernetes API permission a component's code uses: <paramref name="Verbs"/> on
/// <paramref name="Resource"/> (a plural, or <c>plural/subresource</c>) in <paramref name="ApiGroup"/>
/// (<c>""</c> is the core group).
/// </summary>
internal sealed record RbacRule(string ApiGroup, string Resource, IReadOnlyList<string> Verbs, RbacScope Scope = RbacScope.Cluster)
{
    /// <summary>Whether this rule grants <paramref name="verb"/> on the resource.</summary>
    public bool Allows(string apiGroup, string resource, string verb) =>
        string.Equals(ApiGroup, apiGroup, StringComparison.Ordinal)
        && string.Equals(Resource, resource, StringComparison.Ordinal)
        && Verbs.Contains(verb, StringComparer.Ordinal);
}
