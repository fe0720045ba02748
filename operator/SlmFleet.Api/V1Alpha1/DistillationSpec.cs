using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using SlmFleet.Api.Schema;

namespace SlmFleet.Api.V1Alpha1;

/// <summary>
/// A distillation set: escalated requests the LLM answered, written by the router as JSONL in the
/// OpenAI fine-tuning chat format (<c>{"messages":[…, {"role":"assistant","content":LLM answer}]}</c>)
/// to its distillation volume (<c>--distillation-dir</c>, the chart's <c>router.distillation</c>), with a
/// line-aligned <c>.meta.jsonl</c> beside each file (SLM answer, confidence, reason, task, time), so a
/// team can fine-tune a LoRA adapter on exactly the traffic the SLM could not handle. Files rotate by
/// day and by size. Redactions apply to every message and answer before anything is written; API keys
/// and client keys travel in headers and are never part of a record. Records that cannot be written
/// (queue full, volume full) are counted in <c>slm_router_distillation_dropped_total</c>, never lost silently.
/// </summary>
public sealed class DistillationSpec
{
    /// <summary>Turns the distillation set on for this policy.</summary>
    [DefaultValue(false)]
    [JsonPropertyName("enabled")]
    public bool Enabled { get; set; }

    /// <summary>Which escalation reasons are recorded (default: low_confidence and schema_fail, where the SLM answered and was not trusted).</summary>
    [MaxLength(8)]
    [ListType("set")]
    [JsonPropertyName("reasons")]
    public List<string>? Reasons { get; set; }

    /// <summary>A file is closed and a new one started past this size, in MiB.</summary>
    [Range(1, 10240)]
    [DefaultValue(100)]
    [JsonPropertyName("maxFileMiB")]
    public int MaxFileMiB { get; set; } = 100;

    /// <summary>Regular expressions (.NET syntax) whose matches are replaced before a record is written, in order.</summary>
    [MaxLength(32)]
    [ListType("atomic")]
    [JsonPropertyName("redact")]
    public List<RedactionRule>? Redact { get; set; }
}

/// <summary>One redaction: every match of <c>pattern</c> becomes <c>replacement</c>.</summary>
public sealed class RedactionRule
{
    /// <summary>A name for logs and errors, e.g. <c>email</c>.</summary>
    [Required]
    [MinLength(1)]
    [MaxLength(63)]
    [JsonPropertyName("name")]
    public string Name { get; set; } = string.Empty;

    /// <summary>The regular expression (.NET syntax, matched with a 100 ms timeout per record).</summary>
    [Required]
    [MinLength(1)]
    [MaxLength(1024)]
    [JsonPropertyName("pattern")]
    public string Pattern { get; set; } = string.Empty;

    /// <summary>What a match becomes.</summary>
    [MaxLength(256)]
    [DefaultValue("[REDACTED]")]
    [JsonPropertyName("replacement")]
    public string Replacement { get; set; } = "[REDACTED]";
}
