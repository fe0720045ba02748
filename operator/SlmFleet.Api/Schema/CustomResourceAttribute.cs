namespace SlmFleet.Api.Schema;

/// <summary>
/// Marks a type as the root of a CustomResourceDefinition and carries the names the CRD generator
/// needs that are not already on <see cref="k8s.Models.KubernetesEntityAttribute"/>.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class CustomResourceAttribute : Attribute
{
    /// <summary>Lower-case singular name, e.g. <c>slmdeployment</c>.</summary>
    public required string Singular { get; init; }

    /// <summary>Short names accepted by kubectl, e.g. <c>slmd</c>.</summary>
    public string[] ShortNames { get; init; } = [];

    /// <summary>Categories, so <c>kubectl get slmfleet</c> lists every kind in the category.</summary>
    public string[] Categories { get; init; } = [];

    /// <summary><c>Namespaced</c> or <c>Cluster</c>.</summary>
    public string Scope { get; init; } = "Namespaced";
}
