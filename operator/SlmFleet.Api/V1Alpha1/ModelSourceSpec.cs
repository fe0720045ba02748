using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using SlmFleet.Api.Schema;
using SlmFleet.Api.Validation;

namespace SlmFleet.Api.V1Alpha1;

/// <summary>Where the model files come from.</summary>
[CelRule(CrossFieldRules.RevisionOnlyForHuggingFace, "revision applies only to hf:// sources", FieldPath = ".revision")]
public sealed class ModelSourceSpec
{
    /// <summary>
    /// <c>hf://org/repo[/subdir]</c> (Hugging Face), <c>https://…</c>, <c>pvc://claim/path</c>
    /// (a PersistentVolumeClaim already holding the files) or <c>file:///path</c> (on the node).
    /// </summary>
    [Required]
    [MaxLength(2048)]
    [RegularExpression("^(hf://[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*(/[^\\s]*)?|https://[^\\s]+|pvc://[a-z0-9]([-a-z0-9]*[a-z0-9])?(/[^\\s]*)?|file:///[^\\s]*)$")]
    [JsonPropertyName("uri")]
    public string Uri { get; set; } = string.Empty;

    /// <summary>Secret holding the download token (for gated Hugging Face repositories or private URLs).</summary>
    [JsonPropertyName("secretRef")]
    public SecretKeyReference? SecretRef { get; set; }

    /// <summary>Git revision (branch, tag or commit) for <c>hf://</c> sources.</summary>
    [MaxLength(128)]
    [JsonPropertyName("revision")]
    public string? Revision { get; set; }
}
