using k8s;
using k8s.Models;

namespace SlmFleet.Operator.SlmDeployments;

/// <summary>
/// Writes owned objects with server-side apply under <see cref="FieldManager"/>, with
/// <c>force</c>: the applied configuration holds only fields the operator owns (see
/// <see cref="DesiredStateComparer"/>), so forcing takes back exactly those fields from whoever
/// changed them and never touches fields others added. A field the operator yields (the worker
/// Deployment's replicas after a hand <c>kubectl scale</c>) is left out of the configuration, not
/// forced. One request per write, creating the object when it is missing.
/// </summary>
internal sealed class ServerSideApplyWriter : IOwnedObjectWriter
{
    /// <summary>
    /// The field manager of every apply. Older operator versions created and replaced these objects as
    /// <c>slm-operator</c> (operation Update); a distinct name keeps that entry from being mistaken
    /// for this manager's applied configuration.
    /// </summary>
    public const string FieldManager = "slm-fleet-operator";

    private readonly IKubernetes _client;

    public ServerSideApplyWriter(IKubernetes client) => _client = client;

    public async Task<T> ApplyAsync<T>(T applied, T? live, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        ArgumentNullException.ThrowIfNull(applied);
        var patch = new V1Patch(KubernetesJson.Serialize(applied), V1Patch.PatchType.ApplyPatch);
        var name = applied.Metadata.Name;
        var ns = applied.Metadata.NamespaceProperty;
        object written = applied switch
        {
            V1Deployment => await _client.AppsV1.PatchNamespacedDeploymentAsync(patch, name, ns, fieldManager: FieldManager, force: true, cancellationToken: cancellationToken).ConfigureAwait(false),
            V1Service => await _client.CoreV1.PatchNamespacedServiceAsync(patch, name, ns, fieldManager: FieldManager, force: true, cancellationToken: cancellationToken).ConfigureAwait(false),
            V1PodDisruptionBudget => await _client.PolicyV1.PatchNamespacedPodDisruptionBudgetAsync(patch, name, ns, fieldManager: FieldManager, force: true, cancellationToken: cancellationToken).ConfigureAwait(false),
            _ => throw new NotSupportedException($"{typeof(T).Name} is not an object the SlmDeployment reconciler owns"),
        };
        return (T)written;
    }
}
