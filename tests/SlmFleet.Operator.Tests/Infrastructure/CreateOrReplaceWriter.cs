using k8s;
using k8s.Models;
using SlmFleet.Operator.SlmDeployments;

namespace SlmFleet.Operator.Tests.Infrastructure;

/// <summary>
/// The owned-object writer for the in-process API test server, which does not implement server-side
/// apply (and must not learn it: apply semantics are tested on a real kube-apiserver, see
/// <c>ControlPlane/</c>). Creates a missing object, else replaces it carrying the live resourceVersion
/// and keeping the labels, annotations and finalizers others put on it — enough for fast tests of
/// reconcile logic (what is written when, status, Events), nothing about field ownership.
/// </summary>
internal sealed class CreateOrReplaceWriter : IOwnedObjectWriter
{
    private readonly IKubernetes _client;

    public CreateOrReplaceWriter(IKubernetes client) => _client = client;

    public async Task<T> ApplyAsync<T>(T applied, T? live, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var ns = applied.Metadata.NamespaceProperty;
        if (live is not null)
        {
            applied.Metadata.ResourceVersion = live.Metadata.ResourceVersion;
            applied.Metadata.Finalizers = live.Metadata.Finalizers;
            applied.Metadata.Labels = Merge(live.Metadata.Labels, applied.Metadata.Labels);
            applied.Metadata.Annotations = Merge(live.Metadata.Annotations, applied.Metadata.Annotations);
        }

        object written = (applied, live) switch
        {
            (V1Deployment d, null) => await _client.AppsV1.CreateNamespacedDeploymentAsync(d, ns, cancellationToken: cancellationToken).ConfigureAwait(false),
            (V1Deployment d, _) => await _client.AppsV1.ReplaceNamespacedDeploymentAsync(d, d.Metadata.Name, ns, cancellationToken: cancellationToken).ConfigureAwait(false),
            (V1Service s, null) => await _client.CoreV1.CreateNamespacedServiceAsync(s, ns, cancellationToken: cancellationToken).ConfigureAwait(false),
            (V1Service s, V1Service current) => await _client.CoreV1.ReplaceNamespacedServiceAsync(WithAllocatedFields(s, current), s.Metadata.Name, ns, cancellationToken: cancellationToken).ConfigureAwait(false),
            (V1PodDisruptionBudget b, null) => await _client.PolicyV1.CreateNamespacedPodDisruptionBudgetAsync(b, ns, cancellationToken: cancellationToken).ConfigureAwait(false),
            (V1PodDisruptionBudget b, _) => await _client.PolicyV1.ReplaceNamespacedPodDisruptionBudgetAsync(b, b.Metadata.Name, ns, cancellationToken: cancellationToken).ConfigureAwait(false),
            _ => throw new NotSupportedException(typeof(T).Name),
        };
        return (T)written;
    }

    // Allocated by the API server and immutable: a replace must carry them unchanged.
    private static V1Service WithAllocatedFields(V1Service desired, V1Service live)
    {
        desired.Spec.ClusterIP = live.Spec?.ClusterIP;
        desired.Spec.ClusterIPs = live.Spec?.ClusterIPs;
        desired.Spec.IpFamilies = live.Spec?.IpFamilies;
        desired.Spec.IpFamilyPolicy = live.Spec?.IpFamilyPolicy;
        return desired;
    }

    private static Dictionary<string, string> Merge(IDictionary<string, string>? live, IDictionary<string, string>? ours)
    {
        var merged = new Dictionary<string, string>(live ?? new Dictionary<string, string>(), StringComparer.Ordinal);
        foreach (var (key, value) in ours ?? new Dictionary<string, string>())
        {
            merged[key] = value;
        }

        return merged;
    }
}
