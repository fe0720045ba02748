using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using SlmFleet.Api.Schema;
using SlmFleet.Api.Validation;

namespace SlmFleet.Api.V1Alpha1;

/// <summary>The model a fleet serves.</summary>
[CelRule(CrossFieldRules.ChatTemplateKnownOrCustom,
    "chatTemplate must be left out (the model's own template), chatml, phi3, llama3, a one-message format containing {content} (or {{content}}), or a Jinja chat template that reads messages",
    FieldPath = ".chatTemplate")]
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
    /// Forces a chat template. Leave it out to use the model's own template (<c>chat_template.jinja</c>, else
    /// <c>tokenizer_config.json</c>'s <c>chat_template</c>; its "tool_use" template for requests with tools),
    /// or the <c>chatml</c> preset when the model ships none. Otherwise one of: the presets <c>chatml</c>,
    /// <c>phi3</c>, <c>llama3</c>; a one-message format with <c>{role}</c> and <c>{content}</c> (or
    /// <c>{{role}}</c> and <c>{{content}}</c>) applied to each message in turn, the assistant turn opened by
    /// the format up to <c>{content}</c>; or a Jinja chat template (with <c>{%</c> or <c>{{</c>, reading
    /// <c>messages</c>), rendered as Hugging Face transformers does. A Jinja template that does not parse
    /// stops the worker at start, naming the line and column. A request's own <c>chat_template</c> still wins.
    /// </summary>
    // 16384 characters: room for the longest published templates (Llama 3.1's is 4.6 K) while the
    // UTF-8 text stays well under Linux's 128 KiB limit on one argument (MAX_ARG_STRLEN), since it
    // reaches the worker as its --chat-template argument.
    [MinLength(1)]
    [MaxLength(16384)]
    [JsonPropertyName("chatTemplate")]
    public string? ChatTemplate { get; set; }

    /// <summary>
    /// Model architecture facts for the memory fit check. Optional: when omitted, the operator
    /// estimates the KV cache from the parameter count.
    /// </summary>
    [JsonPropertyName("architecture")]
    public ModelArchitectureSpec? Architecture { get; set; }
}
