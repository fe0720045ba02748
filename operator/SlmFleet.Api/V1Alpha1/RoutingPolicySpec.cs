using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using SlmFleet.Api.Schema;
using SlmFleet.Api.Validation;

namespace SlmFleet.Api.V1Alpha1;

/// <summary>Desired routing for one model alias.</summary>
public sealed class RoutingPolicySpec
{
    /// <summary>The name clients send as <c>model</c>; unique across RoutingPolicies in a namespace.</summary>
    [Required]
    [MinLength(1)]
    [MaxLength(128)]
    [RegularExpression("^[A-Za-z0-9][A-Za-z0-9._:/-]*$")]
    [JsonPropertyName("modelAlias")]
    public string ModelAlias { get; set; } = string.Empty;

    /// <summary>The self-hosted side.</summary>
    [Required]
    [JsonPropertyName("slm")]
    public SlmTargetSpec Slm { get; set; } = new();

    /// <summary>The frontier LLM side: any OpenAI-compatible endpoint.</summary>
    [Required]
    [JsonPropertyName("llm")]
    public LlmTargetSpec Llm { get; set; } = new();

    /// <summary>Ordered rules; the first match decides the target. Requests no rule matches go to defaultTarget.</summary>
    [MaxLength(64)]
    [ListType("atomic")]
    [CelRule(CrossFieldRules.UniqueRuleNames, "rule names must be unique")]
    [JsonPropertyName("rules")]
    public List<RoutingRule>? Rules { get; set; }

    /// <summary>Target for requests no rule matches.</summary>
    [AllowedValues("slm", "llm")]
    [DefaultValue("slm")]
    [JsonPropertyName("defaultTarget")]
    public string DefaultTarget { get; set; } = "slm";

    /// <summary>When an SLM answer is not trusted and the request goes to the LLM instead.</summary>
    [JsonPropertyName("escalation")]
    public EscalationSpec? Escalation { get; set; }

    /// <summary>Sampled comparison of the two sides, to calibrate the threshold and catch accuracy drift.</summary>
    [JsonPropertyName("shadow")]
    public ShadowSpec? Shadow { get; set; }

    /// <summary>A candidate SlmDeployment on shadow traffic, with a promotion gate.</summary>
    [JsonPropertyName("candidate")]
    public CandidateSpec? Candidate { get; set; }

    /// <summary>Record escalated requests and the LLM's answers as a fine-tuning set (opt-in).</summary>
    [JsonPropertyName("distillation")]
    public DistillationSpec? Distillation { get; set; }

    /// <summary>Monthly spending limit for the LLM side.</summary>
    [JsonPropertyName("budget")]
    public BudgetSpec? Budget { get; set; }
}
