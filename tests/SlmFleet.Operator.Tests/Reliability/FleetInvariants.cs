using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using SlmFleet.Api.V1Alpha1;
using SlmFleet.Operator.SlmDeployments;
using SlmFleet.Operator.Tests.SlmDeployments;
using SlmFleet.Testing.Kubernetes;

namespace SlmFleet.Operator.Tests.Reliability;

/// <summary>
/// What "survived the faults" means, checked on the API test server's store directly (not through the
/// faulty HTTP path): every live SlmDeployment converged (status.observedGeneration = generation,
/// no legacy finalizer), exactly one Deployment, Service and PodDisruptionBudget owned by each, and no owned
/// object whose owner is gone (orphan) or that has a twin (duplicate).
/// </summary>
internal static class FleetInvariants
{
    public const string Namespace = ReconcilerHarness.Namespace;

    public static IReadOnlyList<V1Alpha1SlmDeployment> Resources(KubeApiTestServer server) =>
        server.List<V1Alpha1SlmDeployment>(SlmDeploymentResource.Group, SlmDeploymentResource.Plural, Namespace);

    /// <summary>Null when every invariant holds, else the first violation (for the poll's message).</summary>
    public static string? Violation(KubeApiTestServer server, IReadOnlyCollection<string> expectedNames)
    {
        var resources = Resources(server);
        var names = resources.Select(r => r.Metadata.Name).Order(StringComparer.Ordinal).ToArray();
        if (!names.SequenceEqual(expectedNames.Order(StringComparer.Ordinal)))
        {
            return $"SlmDeployments are [{string.Join(",", names)}], expected [{string.Join(",", expectedNames.Order(StringComparer.Ordinal))}]";
        }

        foreach (var resource in resources)
        {
            if (!ControllerHarness.Converged(resource))
            {
                return $"{resource.Metadata.Name}: generation {resource.Metadata.Generation}, observedGeneration {resource.Status?.ObservedGeneration}";
            }
        }

        var uids = resources.ToDictionary(r => r.Metadata.Uid, r => r.Metadata.Name);
        return Owned(server.List<V1Deployment>("apps", "deployments", Namespace), uids, "Deployment")
            ?? Owned(server.List<V1Service>("", "services", Namespace), uids, "Service")
            ?? Owned(server.List<V1PodDisruptionBudget>("policy", "poddisruptionbudgets", Namespace), uids, "PodDisruptionBudget");
    }

    /// <summary>Counts owned objects per owner; anything but exactly one per live owner is a violation.</summary>
    private static string? Owned<T>(IReadOnlyList<T> objects, Dictionary<string, string> owners, string kind)
        where T : IKubernetesObject<V1ObjectMeta>
    {
        var perOwner = new Dictionary<string, int>();
        foreach (var obj in objects)
        {
            var owner = obj.Metadata.OwnerReferences?.FirstOrDefault(o => o.Controller == true);
            if (owner is null || !owners.ContainsKey(owner.Uid))
            {
                return $"orphaned {kind} {obj.Metadata.Name} (owner {owner?.Name ?? "none"} is gone)";
            }

            perOwner[owner.Uid] = perOwner.GetValueOrDefault(owner.Uid) + 1;
        }

        foreach (var (uid, name) in owners)
        {
            var count = perOwner.GetValueOrDefault(uid);
            if (count != 1)
            {
                return $"{name} owns {count} {kind}s";
            }
        }

        return null;
    }

    /// <summary>Runs a test-side API call until the injected faults let it through (errors are injected before the server acts, so a retry is safe).</summary>
    public static async Task<T> RetryAsync<T>(Func<Task<T>> call, Action? onFault = null)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await call();
            }
            catch (HttpOperationException e) when (attempt < 200 && e.Response.StatusCode is HttpStatusCode.InternalServerError or HttpStatusCode.TooManyRequests or HttpStatusCode.Conflict)
            {
                onFault?.Invoke();
                await Task.Delay(20);
            }
        }
    }

    public static Task RetryAsync(Func<Task> call) => RetryAsync(async () =>
    {
        await call();
        return true;
    });

    public static Task CreateAsync(Kubernetes client, string name, string? secret = null)
    {
        var resource = SlmDeploymentFixtures.Valid();
        resource.Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = Namespace };
        if (secret is not null)
        {
            resource.Spec.Model.Source.SecretRef = new SecretKeyReference { Name = secret, Key = "token" };
        }

        return RetryAsync(() => client.CustomObjects.CreateNamespacedCustomObjectAsync<V1Alpha1SlmDeployment>(
            resource, SlmDeploymentResource.Group, SlmDeploymentResource.Version, Namespace, SlmDeploymentResource.Plural));
    }

    public static Task PatchSpecAsync(Kubernetes client, string name, string specJson) =>
        RetryAsync(() => client.CustomObjects.PatchNamespacedCustomObjectAsync(
            new V1Patch($$"""{"spec":{{specJson}}}""", V1Patch.PatchType.MergePatch), SlmDeploymentResource.Group, SlmDeploymentResource.Version, Namespace, SlmDeploymentResource.Plural, name));

    public static Task DeleteAsync(Kubernetes client, string name) =>
        RetryAsync(() => client.CustomObjects.DeleteNamespacedCustomObjectAsync(SlmDeploymentResource.Group, SlmDeploymentResource.Version, Namespace, SlmDeploymentResource.Plural, name));
}
