namespace SlmFleet.Testing.Kubernetes;

/// <summary>
/// Where an <c>autoscaling/v1</c> Scale reads and writes its fields in the parent object, as in a
/// CRD's <c>subresources.scale</c> (JSON paths in the dotted <c>.spec.replicas</c> form).
/// </summary>
/// <param name="SpecReplicasPath">Path of the desired replica count, e.g. <c>.spec.replicas</c>.</param>
/// <param name="StatusReplicasPath">Path of the observed replica count, e.g. <c>.status.replicas</c>.</param>
/// <param name="LabelSelectorPath">
/// Path of the selector: a string (CRDs: <c>.status.selector</c>) or a LabelSelector object
/// (apps/v1 Deployments: <c>.spec.selector</c>, turned into its string form); null for none.
/// </param>
public sealed record ScaleSubresource(
    string SpecReplicasPath = ".spec.replicas",
    string StatusReplicasPath = ".status.replicas",
    string? LabelSelectorPath = ".status.selector");
