using k8s;
using k8s.Models;

namespace SlmFleet.Operator.Runtime;

/// <summary>
/// Brings one object's world to its desired state. Gets only the key: read the current object from
/// the informer cache (it may be gone: then clean up). Throwing requeues the key with back-off.
/// A key is never reconciled by two workers at once.
/// </summary>
internal interface IReconciler<T>
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    Task<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken cancellationToken);
}
