using System.Reflection;
using k8s.Models;

namespace SlmFleet.Operator.Runtime;

/// <summary>
/// What an informer lists and watches: the API coordinates of a kind, an optional namespace
/// (null watches all namespaces, or a cluster-scoped kind) and an optional label selector.
/// </summary>
internal sealed record ResourceDescriptor(string Group, string Version, string Plural, string Kind, string? Namespace = null, string? LabelSelector = null)
{
    /// <summary>The <c>apiVersion</c> objects of this kind carry.</summary>
    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    /// <summary>Reads the coordinates from <typeparamref name="T"/>'s <see cref="KubernetesEntityAttribute"/>.</summary>
    public static ResourceDescriptor For<T>(string? ns = null, string? labelSelector = null)
    {
        var entity = typeof(T).GetCustomAttribute<KubernetesEntityAttribute>()
            ?? throw new InvalidOperationException($"{typeof(T).Name} has no [KubernetesEntity] attribute; pass a ResourceDescriptor explicitly");
        return new ResourceDescriptor(entity.Group ?? "", entity.ApiVersion, entity.PluralName, entity.Kind, ns, labelSelector);
    }

    public override string ToString() => Group.Length == 0 ? $"{Plural}.{Version}" : $"{Plural}.{Version}.{Group}";
}
