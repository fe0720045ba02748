namespace SlmFleet.Api.Schema;

/// <summary>
/// Enables the <c>scale</c> subresource so <c>kubectl scale</c>, HPA and KEDA can drive the resource.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class ScaleSubresourceAttribute : Attribute
{
    /// <summary>JSONPath of the desired replica count in the spec.</summary>
    public string SpecReplicasPath { get; init; } = ".spec.replicas";

    /// <summary>JSONPath of the observed replica count in the status.</summary>
    public string StatusReplicasPath { get; init; } = ".status.replicas";

    /// <summary>JSONPath of the serialized label selector, needed by HPA to find the pods.</summary>
    public string? LabelSelectorPath { get; init; } = ".status.selector";
}
