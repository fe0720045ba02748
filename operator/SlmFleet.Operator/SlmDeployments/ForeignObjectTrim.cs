using k8s;
using k8s.Models;

namespace SlmFleet.Operator.SlmDeployments;

/// <summary>
/// The informer transform of the owned kinds. The operator watches every Deployment, Service and
/// PodDisruptionBudget in its namespaces (not only those labelled as its own: a label can be removed,
/// and a name can be taken by someone else), but keeps whole objects only for those an SlmDeployment
/// controls; any other object is cached as its identity and owner references — enough to recognise
/// a name conflict — so memory grows with the operator's own objects, not with the cluster's.
/// </summary>
internal static class ForeignObjectTrim
{
    public static T Trim<T>(T obj)
        where T : class, IKubernetesObject<V1ObjectMeta>, new()
    {
        ArgumentNullException.ThrowIfNull(obj);
        return WorkerLabels.ControlledBySlmDeployment(obj.Metadata)
            ? obj
            : new T
            {
                ApiVersion = obj.ApiVersion,
                Kind = obj.Kind,
                Metadata = new V1ObjectMeta
                {
                    Name = obj.Metadata.Name,
                    NamespaceProperty = obj.Metadata.NamespaceProperty,
                    Uid = obj.Metadata.Uid,
                    ResourceVersion = obj.Metadata.ResourceVersion,
                    OwnerReferences = obj.Metadata.OwnerReferences,
                },
            };
    }
}
