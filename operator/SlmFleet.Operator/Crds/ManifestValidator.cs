using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using SlmFleet.Api;
using SlmFleet.Api.Schema;
using SlmFleet.Api.V1Alpha1;
using SlmFleet.Api.Validation;

namespace SlmFleet.Operator.Crds;

/// <summary>
/// Checks a slmfleet.io manifest the way a cluster would: the generated CRD schema first (types,
/// enums, ranges, patterns, unknown fields), then, if that passes, the cross-field rules the CRD
/// carries as CEL. Used by tests on the examples and by anything that must vet an object without an
/// API server (the in-process test server does not enforce schemas).
/// </summary>
internal static class ManifestValidator
{
    /// <summary>Checks a typed resource (e.g. one read from a server that does not enforce schemas).</summary>
    public static IReadOnlyList<FieldError> Validate<TResource>(TResource resource)
        where TResource : class => Validate(JsonNode.Parse(KubernetesJson.Serialize(resource)));

    /// <summary>Checks a manifest; error paths start at the root's fields (<c>spec.replicas</c>).</summary>
    public static IReadOnlyList<FieldError> Validate(JsonNode? manifest)
    {
        if (manifest is not JsonObject obj)
        {
            return [new FieldError(FieldErrorType.Invalid, string.Empty, SchemaValidator.FormatValue(manifest), "a manifest must be an object")];
        }

        var apiVersion = (obj["apiVersion"] as JsonValue)?.ToString();
        if (apiVersion != ApiGroup.ApiVersion)
        {
            return [new FieldError(FieldErrorType.NotSupported, "apiVersion", SchemaValidator.FormatValue(obj["apiVersion"]), $"supported values: \"{ApiGroup.ApiVersion}\"")];
        }

        var kind = (obj["kind"] as JsonValue)?.ToString() ?? string.Empty;
        if (CrdGenerator.SchemaForKind(kind) is not { } schema)
        {
            return [new FieldError(FieldErrorType.NotSupported, "kind", SchemaValidator.FormatValue(obj["kind"]),
                $"supported values: \"{V1Alpha1SlmDeployment.KindName}\", \"{V1Alpha1RoutingPolicy.KindName}\"")];
        }

        var errors = SchemaValidator.Validate(obj, schema, SchemaDialect.Kubernetes);
        if (errors.Count > 0)
        {
            return errors;
        }

        var json = obj.ToJsonString();
        try
        {
            return kind == V1Alpha1SlmDeployment.KindName
                ? SlmDeploymentValidator.Validate(KubernetesJson.Deserialize<V1Alpha1SlmDeployment>(json))
                : RoutingPolicyValidator.Validate(KubernetesJson.Deserialize<V1Alpha1RoutingPolicy>(json));
        }
        catch (JsonException e)
        {
            // The schema passed, so this is a value the C# types cannot hold (e.g. an int32 overflow).
            return [new FieldError(FieldErrorType.Invalid, e.Path?.TrimStart('$', '.') ?? string.Empty, null, e.Message)];
        }
    }
}
