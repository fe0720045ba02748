using k8s;
using k8s.Models;

namespace SlmFleet.Chart.Tests.Infrastructure;

/// <summary>
/// Maps rendered kinds to KubernetesClient's typed models, and names the kinds checked as generic
/// objects (CRDs, whose content another generator owns, and the Prometheus Operator's kinds, which
/// KubernetesClient has no models for).
/// </summary>
internal static class KubernetesModels
{
    public static IReadOnlyDictionary<string, Type> Typed { get; } = new Dictionary<string, Type>(StringComparer.Ordinal)
    {
        ["v1/ServiceAccount"] = typeof(V1ServiceAccount),
        ["v1/Service"] = typeof(V1Service),
        ["v1/ConfigMap"] = typeof(V1ConfigMap),
        ["v1/Secret"] = typeof(V1Secret),
        ["apps/v1/Deployment"] = typeof(V1Deployment),
        ["rbac.authorization.k8s.io/v1/ClusterRole"] = typeof(V1ClusterRole),
        ["rbac.authorization.k8s.io/v1/ClusterRoleBinding"] = typeof(V1ClusterRoleBinding),
        ["rbac.authorization.k8s.io/v1/Role"] = typeof(V1Role),
        ["rbac.authorization.k8s.io/v1/RoleBinding"] = typeof(V1RoleBinding),
        ["policy/v1/PodDisruptionBudget"] = typeof(V1PodDisruptionBudget),
        ["networking.k8s.io/v1/NetworkPolicy"] = typeof(V1NetworkPolicy),
    };

    public static IReadOnlySet<string> Generic { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "apiextensions.k8s.io/v1/CustomResourceDefinition",
        "monitoring.coreos.com/v1/ServiceMonitor",
        "monitoring.coreos.com/v1/PodMonitor",
        "monitoring.coreos.com/v1/PrometheusRule",
    };

    /// <summary>
    /// Deserializes a rendered document into its model with KubernetesClient's strict YAML reader, so an
    /// unknown or misspelt field, or a value of the wrong type, throws.
    /// </summary>
    public static object ToModel(RenderedDocument document)
    {
        if (!Typed.TryGetValue(document.TypeKey, out var type))
        {
            throw new InvalidOperationException($"no typed model mapped for {document.TypeKey}");
        }

        // JSON is YAML: hand the converted document to KubernetesClient's YAML loader, which has the strict mode.
        try
        {
            return KubernetesYaml.LoadAllFromString(document.Content.ToJsonString(), new Dictionary<string, Type> { [document.TypeKey] = type }, strict: true)
                .Single();
        }
        catch (YamlDotNet.Core.YamlException exception)
        {
            throw new InvalidOperationException($"{document} does not match the {type.Name} model: {exception.InnerException?.Message ?? exception.Message}", exception);
        }
    }

    public static T ToModel<T>(RenderedDocument document) => KubernetesYaml.Deserialize<T>(document.Content.ToJsonString(), strict: true);
}
