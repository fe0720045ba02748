using System.Text.Json.Serialization;
using k8s.Models;
using SlmFleet.Api.Schema;

namespace SlmFleet.Api.V1Alpha1;

/// <summary>Observed state of a RoutingPolicy.</summary>
public sealed class RoutingPolicyStatus
{
    /// <summary><c>Ready</c>, <c>TargetsResolved</c>, <c>SecretPresent</c>, <c>BudgetAlert</c>, <c>BudgetExhausted</c>, <c>CandidateReady</c>.</summary>
    [ListType("map", "type")]
    [JsonPropertyName("conditions")]
    public List<V1Condition>? Conditions { get; set; }

    /// <summary>The metadata.generation this status describes.</summary>
    [JsonPropertyName("observedGeneration")]
    public long? ObservedGeneration { get; set; }

    /// <summary>The month (UTC, <c>yyyy-MM</c>) the counters below cover.</summary>
    [JsonPropertyName("month")]
    public string? Month { get; set; }

    /// <summary>Requests routed this month.</summary>
    [JsonPropertyName("requests")]
    public long? Requests { get; set; }

    /// <summary>Requests answered by the SLM this month.</summary>
    [JsonPropertyName("slmRequests")]
    public long? SlmRequests { get; set; }

    /// <summary>Requests answered by the LLM this month (rules and escalations).</summary>
    [JsonPropertyName("llmRequests")]
    public long? LlmRequests { get; set; }

    /// <summary>Escalations this month by reason.</summary>
    [JsonPropertyName("escalationsByReason")]
    public Dictionary<string, long>? EscalationsByReason { get; set; }

    /// <summary>Escalated requests divided by all requests this month.</summary>
    [JsonPropertyName("escalationRate")]
    public double? EscalationRate { get; set; }

    /// <summary>LLM spend this month in USD.</summary>
    [JsonPropertyName("spendThisMonthUsd")]
    public double? SpendThisMonthUsd { get; set; }

    /// <summary>Spend divided by the monthly budget.</summary>
    [JsonPropertyName("budgetFraction")]
    public double? BudgetFraction { get; set; }

    /// <summary>What the same tokens would have cost at the LLM's prices, minus the actual LLM spend, in USD.</summary>
    [JsonPropertyName("savingsThisMonthUsd")]
    public double? SavingsThisMonthUsd { get; set; }

    /// <summary>The confidence threshold in force: configured or calibrated, lowered by the budget curve.</summary>
    [JsonPropertyName("effectiveThreshold")]
    public double? EffectiveThreshold { get; set; }

    /// <summary>The candidate's agreement with the reference side (with <c>spec.candidate</c>).</summary>
    [JsonPropertyName("candidate")]
    public CandidateStatus? Candidate { get; set; }

    /// <summary>An automatic promotion in force; absent when the policy is served from <c>spec.slm.deploymentRef</c>.</summary>
    [JsonPropertyName("promotion")]
    public PromotionStatus? Promotion { get; set; }

    /// <summary>Threshold calibration from shadow traffic (with <c>spec.escalation.calibration</c>).</summary>
    [JsonPropertyName("calibration")]
    public CalibrationStatus? Calibration { get; set; }
}
