using k8s;
using k8s.Models;

namespace SlmFleet.Operator.SlmDeployments;

/// <summary>
/// How the reconciler writes an owned object. In the operator this is server-side apply
/// (<see cref="ServerSideApplyWriter"/>); fast unit tests against the in-process API test server,
/// which does not implement server-side apply, substitute a create-or-replace writer. What the API
/// server does with an apply (field ownership, conflicts, managedFields) is tested on a real
/// kube-apiserver.
/// </summary>
internal interface IOwnedObjectWriter
{
    /// <summary>
    /// Writes <paramref name="applied"/> — the configuration the operator owns, nothing else — and
    /// returns the object the API server now holds. <paramref name="live"/> is what the reconciler
    /// observed (null when absent); server-side apply does not need it.
    /// </summary>
    Task<T> ApplyAsync<T>(T applied, T? live, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>;
}
