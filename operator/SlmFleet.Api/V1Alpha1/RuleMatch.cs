using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using SlmFleet.Api.Schema;
using SlmFleet.Api.Validation;

namespace SlmFleet.Api.V1Alpha1;

/// <summary>Request features a rule can test. Omitted conditions always hold.</summary>
[CelRule(CrossFieldRules.PromptTokenRange, "minPromptTokens must be less than or equal to maxPromptTokens", FieldPath = ".maxPromptTokens")]
public sealed class RuleMatch
{
    /// <summary>
    /// Task types that match (header <c>x-task-type</c> or <c>metadata.task_type</c>), e.g.
    /// <c>classification</c>, <c>extraction</c>, <c>faq</c>, <c>routing</c>.
    /// </summary>
    [MaxLength(32)]
    [JsonPropertyName("taskTypes")]
    public List<string>? TaskTypes { get; set; }

    /// <summary>Matches when the prompt has at least this many tokens.</summary>
    [Range(0, 10000000)]
    [JsonPropertyName("minPromptTokens")]
    public int? MinPromptTokens { get; set; }

    /// <summary>Matches when the prompt has at most this many tokens.</summary>
    [Range(0, 10000000)]
    [JsonPropertyName("maxPromptTokens")]
    public int? MaxPromptTokens { get; set; }

    /// <summary>Flags that must all be set on the request (header <c>x-slmfleet-flags</c> or <c>metadata.flags</c>, comma-separated).</summary>
    [MaxLength(32)]
    [JsonPropertyName("flags")]
    public List<string>? Flags { get; set; }
}
