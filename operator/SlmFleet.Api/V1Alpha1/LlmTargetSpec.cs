using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace SlmFleet.Api.V1Alpha1;

/// <summary>An OpenAI-compatible chat completions endpoint and what it costs.</summary>
public sealed class LlmTargetSpec
{
    /// <summary>Base URL up to and including the version, e.g. <c>https://api.openai.com/v1</c>.</summary>
    [Required]
    [MaxLength(2048)]
    [RegularExpression("^https?://[^\\s]+$")]
    [JsonPropertyName("baseUrl")]
    public string BaseUrl { get; set; } = string.Empty;

    /// <summary>Model name sent to the endpoint, e.g. <c>gpt-4o</c>.</summary>
    [Required]
    [MinLength(1)]
    [MaxLength(128)]
    [JsonPropertyName("model")]
    public string Model { get; set; } = string.Empty;

    /// <summary>
    /// Embeddings model at the same endpoint (same key and base URL), e.g. <c>text-embedding-3-small</c>.
    /// When set, the router forwards <c>POST /v1/embeddings</c> for this alias to it (input tokens at
    /// <c>inputPricePerMillionTokens</c>, counted against the budget); when empty, it answers 404.
    /// </summary>
    [MinLength(1)]
    [MaxLength(128)]
    [JsonPropertyName("embeddingsModel")]
    public string? EmbeddingsModel { get; set; }

    /// <summary>Secret key holding the API key (key defaults to <c>api-key</c>). Mounted into the router, never logged.</summary>
    [JsonPropertyName("apiKeySecretRef")]
    public SecretKeyReference? ApiKeySecretRef { get; set; }

    /// <summary>Price of one million input (prompt) tokens, in USD.</summary>
    [Range(0.0, 10000.0)]
    [DefaultValue(0.0)]
    [JsonPropertyName("inputPricePerMillionTokens")]
    public double InputPricePerMillionTokens { get; set; }

    /// <summary>Price of one million output (completion) tokens, in USD.</summary>
    [Range(0.0, 10000.0)]
    [DefaultValue(0.0)]
    [JsonPropertyName("outputPricePerMillionTokens")]
    public double OutputPricePerMillionTokens { get; set; }

    /// <summary>Per-attempt timeout for LLM calls, in seconds.</summary>
    [Range(1, 600)]
    [DefaultValue(60)]
    [JsonPropertyName("timeoutSeconds")]
    public int TimeoutSeconds { get; set; } = 60;
}
