namespace SlmFleet.Testing.Kubernetes;

/// <summary>
/// A resource kind the <see cref="KubeApiTestServer"/> serves, the test server's equivalent of an
/// API discovery entry or a CRD: where it lives (group, version, plural), its kind and scope, and
/// which subresources it has.
/// </summary>
/// <param name="Group">API group; empty for the core group (served under <c>/api/v1</c>).</param>
/// <param name="Version">API version, e.g. <c>v1</c> or <c>v1alpha1</c>.</param>
/// <param name="Plural">Plural resource name used in paths, e.g. <c>deployments</c>.</param>
/// <param name="Kind">Kind written into stored objects, e.g. <c>Deployment</c>.</param>
/// <param name="Namespaced">True for namespaced kinds, false for cluster-scoped ones.</param>
/// <param name="HasStatus">
/// True when the kind has a <c>status</c> subresource: the main resource then ignores status changes
/// and <c>/status</c> changes only status.
/// </param>
/// <param name="Scale">The <c>scale</c> subresource mapping, or null when the kind has none.</param>
public sealed record ResourceType(
    string Group,
    string Version,
    string Plural,
    string Kind,
    bool Namespaced = true,
    bool HasStatus = false,
    ScaleSubresource? Scale = null)
{
    /// <summary>The <c>apiVersion</c> written into objects: <c>v1</c> for core, <c>group/version</c> otherwise.</summary>
    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    /// <summary>The qualified resource name used in error messages, e.g. <c>deployments.apps</c>.</summary>
    public string QualifiedName => Group.Length == 0 ? Plural : $"{Plural}.{Group}";
}
