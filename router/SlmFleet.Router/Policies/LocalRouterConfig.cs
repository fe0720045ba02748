using System.Text.Json.Serialization;
using SlmFleet.Api.V1Alpha1;

namespace SlmFleet.Router.Policies;

/// <summary>
/// The <c>--policies FILE</c> format for runs outside a cluster (YAML or JSON):
/// <code>
/// deployments:                 # SlmDeployments: name, served model name, worker gRPC endpoints
///   - name: tiny
///     model: tiny
///     endpoints: ["http://127.0.0.1:50051"]
/// policies:                    # RoutingPolicy specs, exactly as in the CRD's spec
///   - modelAlias: fleet-chat
///     slm: { deploymentRef: { name: tiny } }
///     llm: { baseUrl: "https://api.openai.com/v1", model: gpt-4o, apiKeySecretRef: { name: openai } }
/// </code>
/// </summary>
internal sealed class LocalRouterConfig
{
    [JsonPropertyName("deployments")]
    public List<LocalDeployment> Deployments { get; set; } = [];

    [JsonPropertyName("policies")]
    public List<RoutingPolicySpec> Policies { get; set; } = [];
}
