using k8s;
using k8s.Models;

namespace SlmFleet.Operator.Runtime;

/// <summary>A change seen by an informer; <paramref name="Old"/> is the cached state before a Modified event.</summary>
internal sealed record InformerEvent<T>(InformerEventType Type, T Object, T? Old)
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    public ObjectKey Key => ObjectKey.Of(Object);
}
