using SlmFleet.Api;
using SlmFleet.Api.V1Alpha1;

namespace SlmFleet.Operator.RoutingPolicies;

/// <summary>API coordinates of the RoutingPolicy custom resource.</summary>
internal static class RoutingPolicyResource
{
    public const string Group = ApiGroup.Group;
    public const string Version = ApiGroup.Version;
    public const string Plural = V1Alpha1RoutingPolicy.Plural;
    public const string FieldManager = "slm-operator";

    /// <summary>Key of the LLM API key in its Secret when <c>spec.llm.apiKeySecretRef.key</c> is omitted.</summary>
    public const string DefaultApiKeyKey = "api-key";
}
