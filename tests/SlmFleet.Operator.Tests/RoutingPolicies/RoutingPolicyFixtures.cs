using k8s;
using k8s.Models;
using SlmFleet.Api.V1Alpha1;
using SlmFleet.Operator.RoutingPolicies;
using SlmFleet.Operator.SlmDeployments;

namespace SlmFleet.Operator.Tests.RoutingPolicies;

/// <summary>Valid RoutingPolicies, their referents, and router metrics pages as the router writes them.</summary>
internal static class RoutingPolicyFixtures
{
    public const string Namespace = "ml";
    public static readonly DateTime T0 = new(2026, 3, 14, 12, 0, 0, DateTimeKind.Utc);

    public static V1Alpha1RoutingPolicy Policy(string name = "support", string alias = "support-bot", string deployment = "qwen", string? secret = "openai", double? monthlyBudget = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = Namespace, Generation = 1, Uid = "uid-" + name },
        Spec = new RoutingPolicySpec
        {
            ModelAlias = alias,
            Slm = new SlmTargetSpec { DeploymentRef = new LocalObjectReference { Name = deployment } },
            Llm = new LlmTargetSpec
            {
                BaseUrl = "https://api.openai.com/v1",
                Model = "gpt-4o",
                ApiKeySecretRef = secret is null ? null : new SecretKeyReference { Name = secret },
                InputPricePerMillionTokens = 2.5,
                OutputPricePerMillionTokens = 10,
            },
            Budget = monthlyBudget is { } usd ? new BudgetSpec { MonthlyUsd = usd, AlertFraction = 0.8 } : null,
        },
    };

    public static V1Alpha1SlmDeployment Deployment(string name = "qwen", bool ready = true) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = Namespace, Generation = 1 },
        Spec = new SlmDeploymentSpec
        {
            Model = new ModelSpec { Name = "qwen2.5-1.5b", Source = new ModelSourceSpec { Uri = "hf://onnx-community/Qwen2.5-1.5B-Instruct" }, ParametersBillions = 1.5, Quantization = "int4", ContextLength = 4096 },
            Accelerator = new AcceleratorSpec { Type = "nvidia-l4" },
            MinReplicas = 1,
            MaxReplicas = 2,
        },
        Status = new SlmDeploymentStatus
        {
            Conditions = [new V1Condition { Type = ConditionTypes.Ready, Status = ready ? "True" : "False", Reason = "R", Message = "m", LastTransitionTime = T0 }],
        },
    };

    /// <summary>Everything present and valid; usage as given.</summary>
    public static RoutingPolicyObserved Observed(V1Alpha1RoutingPolicy policy, PolicyUsage? usage = null, DateTime? now = null) => new()
    {
        Policy = policy,
        Deployment = Deployment(policy.Spec.Slm.DeploymentRef.Name),
        DeploymentNames = [policy.Spec.Slm.DeploymentRef.Name],
        SecretKeys = ["api-key"],
        Usage = usage,
        Now = now ?? T0,
    };

    /// <summary>What the API server would hand back after storing <paramref name="plan"/>'s status.</summary>
    public static RoutingPolicyObserved Applied(RoutingPolicyObserved observed, RoutingPolicyPlan plan)
    {
        var policy = RoundTrip(observed.Policy);
        policy.Status = RoundTrip(plan.Status);
        return observed with { Policy = policy };
    }

    public static T RoundTrip<T>(T value) => KubernetesJson.Deserialize<T>(KubernetesJson.Serialize(value));

    public static V1Condition Condition(RoutingPolicyPlan plan, string type) =>
        plan.Status.Conditions!.Single(c => c.Type == type);

    /// <summary>A router /metrics page in prometheus-net's text format for one model alias.</summary>
    public static string RouterPage(string model, long slm, long llm, long lowConfidence, long rule, double spendUsd, long promptTokens, long completionTokens) => $$"""
        # HELP slm_router_requests_total Requests answered, by model, the side that answered (slm|llm|none) and reason.
        # TYPE slm_router_requests_total counter
        slm_router_requests_total{model="{{model}}",route="slm",reason="confident"} {{slm}}
        slm_router_requests_total{model="{{model}}",route="llm",reason="low_confidence"} {{lowConfidence}}
        slm_router_requests_total{model="{{model}}",route="llm",reason="rule"} {{llm - lowConfidence}}
        slm_router_requests_total{model="other",route="slm",reason="direct"} 1000
        # TYPE slm_router_escalations_total counter
        slm_router_escalations_total{model="{{model}}",reason="low_confidence"} {{lowConfidence}}
        slm_router_escalations_total{model="{{model}}",reason="rule"} {{rule}}
        # TYPE slm_router_llm_spend_usd_total counter
        slm_router_llm_spend_usd_total{model="{{model}}"} {{spendUsd.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}}
        # TYPE slm_router_tokens_total counter
        slm_router_tokens_total{model="{{model}}",route="slm",kind="prompt"} {{promptTokens / 2}}
        slm_router_tokens_total{model="{{model}}",route="llm",kind="prompt"} {{promptTokens - (promptTokens / 2)}}
        slm_router_tokens_total{model="{{model}}",route="slm",kind="completion"} {{completionTokens}}
        # TYPE slm_router_request_duration_seconds histogram
        slm_router_request_duration_seconds_bucket{model="{{model}}",route="slm",le="+Inf"} {{slm}}
        """;
}
