using SlmFleet.Api.V1Alpha1;

namespace SlmFleet.Router.Policies;

/// <summary>
/// What a request's <c>model</c> names: a RoutingPolicy (by its modelAlias) or, with <see cref="Policy"/>
/// null, an SlmDeployment's served name (direct SLM, no escalation).
/// </summary>
internal sealed record ResolvedModel(string Model, RoutingPolicySpec? Policy, string Deployment);
