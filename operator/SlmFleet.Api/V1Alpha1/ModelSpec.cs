using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using SlmFleet.Api.Schema;
using SlmFleet.Api.Validation;

namespace SlmFleet.Api.V1Alpha1;

/// <summary>The model a fleet serves.</summary>
[CelRule(CrossFieldRules.ChatTemplateKnownOrCustom, "chatTemplate must be chatml, phi3, llama3 or a custom template containing {{content}}", FieldPath = ".chatTemplate")]
public sealed class ModelSpec
{
    /// <summary>Served name: what clients put in the request's <c>model</c> field.</summary>
    [Required]
    [MinLength(1)]
    [MaxLength(128)]
    [RegularExpression("^[A-Za-z0-9][A-Za-z0-9._:/-]*$")]
    [JsonPropertyName("name")]
    public string Name { get; set; } = string.Empty;

    /// <summary>Where the worker's init step fetches the model from.</summary>
    [Required]
    [JsonPropertyName("source")]
    public ModelSourceSpec Source { get; set; } = new();

    /// <summary>
    /// Layout of the model folder. <c>onnx-genai</c>: <c>model.onnx</c> (+ external data),
    /// <c>genai_config.json</c> and tokenizer files, as in ONNX Runtime GenAI exports.
    /// </summary>
    [AllowedValues("onnx-genai")]
    [DefaultValue("onnx-genai")]
    [JsonPropertyName("format")]
    public string Format { get; set; } = "onnx-genai";

    /// <summary>Parameter count in billions; sizes the weights for the memory fit check.</summary>
    [Required]
    [Range(0.001, 1000.0)]
    [JsonPropertyName("parametersBillions")]
    public double ParametersBillions { get; set; }

    /// <summary>Weight precision: <c>fp16</c> (2 bytes/parameter), <c>int8</c> (1) or <c>int4</c> (0.5).</summary>
    [AllowedValues("fp16", "int8", "int4")]
    [DefaultValue("fp16")]
    [JsonPropertyName("quantization")]
    public string Quantization { get; set; } = "fp16";

    /// <summary>Maximum tokens per sequence (prompt + completion); sizes the KV cache.</summary>
    [Range(128, 1048576)]
    [DefaultValue(4096)]
    [JsonPropertyName("contextLength")]
    public int ContextLength { get; set; } = 4096;

    /// <summary>
    /// Chat template: <c>chatml</c>, <c>phi3</c>, <c>llama3</c>, or a custom template string that
    /// contains <c>{{content}}</c> (and usually <c>{{role}}</c>), applied to each message in turn.
    /// </summary>
    [MinLength(1)]
    [MaxLength(4096)]
    [DefaultValue("chatml")]
    [JsonPropertyName("chatTemplate")]
    public string ChatTemplate { get; set; } = "chatml";

    /// <summary>
    /// Model architecture facts for the memory fit check. Optional: when omitted, the operator
    /// estimates the KV cache from the parameter count.
    /// </summary>
    [JsonPropertyName("architecture")]
    public ModelArchitectureSpec? Architecture { get; set; }
}
