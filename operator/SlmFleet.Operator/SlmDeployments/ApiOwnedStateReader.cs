using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using SlmFleet.Api.V1Alpha1;
using SlmFleet.Operator.Autoscaling;
using SlmFleet.Operator.RoutingPolicies;

namespace SlmFleet.Operator.SlmDeployments;

/// <summary>Reads state with one GET per object: correct everywhere, but costs requests; the controller uses caches.</summary>
internal sealed class ApiOwnedStateReader : IOwnedStateReader
{
    private readonly IKubernetes _client;

    public ApiOwnedStateReader(IKubernetes client) => _client = client;

    public Task<V1Alpha1SlmDeployment?> GetResourceAsync(string ns, string name, CancellationToken cancellationToken) =>
        OrNull(() => _client.CustomObjects.GetNamespacedCustomObjectAsync<V1Alpha1SlmDeployment>(
            SlmDeploymentResource.Group, SlmDeploymentResource.Version, ns, SlmDeploymentResource.Plural, name, cancellationToken));

    public Task<V1Deployment?> GetDeploymentAsync(string ns, string name, CancellationToken cancellationToken) =>
        OrNull(() => _client.AppsV1.ReadNamespacedDeploymentAsync(name, ns, cancellationToken: cancellationToken));

    public Task<V1Service?> GetServiceAsync(string ns, string name, CancellationToken cancellationToken) =>
        OrNull(() => _client.CoreV1.ReadNamespacedServiceAsync(name, ns, cancellationToken: cancellationToken));

    public Task<V1PodDisruptionBudget?> GetDisruptionBudgetAsync(string ns, string name, CancellationToken cancellationToken) =>
        OrNull(() => _client.PolicyV1.ReadNamespacedPodDisruptionBudgetAsync(name, ns, cancellationToken: cancellationToken));

    public async Task<IReadOnlyCollection<string>?> GetSecretKeysAsync(string ns, string name, CancellationToken cancellationToken)
    {
        var secret = await OrNull(() => _client.CoreV1.ReadNamespacedSecretAsync(name, ns, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return secret is null ? null : SecretKeys(secret);
    }

    public async Task<IReadOnlyList<V2HorizontalPodAutoscaler>> GetAutoscalersAsync(string ns, string name, CancellationToken cancellationToken)
    {
        var list = await _client.AutoscalingV2.ListNamespacedHorizontalPodAutoscalerAsync(ns, cancellationToken: cancellationToken).ConfigureAwait(false);
        return ExternalAutoscalers.Targeting(list.Items, ns, name);
    }

    public Task<V1PersistentVolumeClaim?> GetClaimAsync(string ns, string name, CancellationToken cancellationToken) =>
        OrNull(() => _client.CoreV1.ReadNamespacedPersistentVolumeClaimAsync(name, ns, cancellationToken: cancellationToken));

    public async Task<IReadOnlyList<V1Alpha1RoutingPolicy>?> GetRoutingPoliciesAsync(string ns, CancellationToken cancellationToken)
    {
        var list = await OrNull(() => _client.CustomObjects.ListNamespacedCustomObjectAsync<KubernetesList<V1Alpha1RoutingPolicy>>(
            RoutingPolicyResource.Group, RoutingPolicyResource.Version, ns, RoutingPolicyResource.Plural, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return list?.Items is { } items ? [.. items] : null;
    }

    public void Wrote(object written)
    {
        // Every read goes to the API server: nothing to remember.
    }

    public void Deleted(Type type, string ns, string name)
    {
        // Every read goes to the API server: nothing to forget.
    }

    /// <summary>Keys of data and stringData (a write-only field some API servers echo back).</summary>
    public static IReadOnlyCollection<string> SecretKeys(V1Secret secret) =>
        [.. (secret.Data?.Keys ?? []).Concat(secret.StringData?.Keys ?? []).Distinct(StringComparer.Ordinal)];

    private static async Task<T?> OrNull<T>(Func<Task<T>> read)
        where T : class
    {
        try
        {
            return await read().ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }
}
