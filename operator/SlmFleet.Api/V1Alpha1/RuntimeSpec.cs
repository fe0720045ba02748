using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace SlmFleet.Api.V1Alpha1;

/// <summary>Engine settings passed to every worker.</summary>
public sealed class RuntimeSpec
{
    /// <summary><c>cuda</c>, <c>cpu</c>, or <c>auto</c> (CUDA when available, CPU otherwise, with a logged warning).</summary>
    [AllowedValues("auto", "cuda", "cpu")]
    [DefaultValue("auto")]
    [JsonPropertyName("executionProvider")]
    public string ExecutionProvider { get; set; } = "auto";

    /// <summary>Sequences decoded together in one step; sizes the KV cache in the fit check.</summary>
    [Range(1, 256)]
    [DefaultValue(8)]
    [JsonPropertyName("maxBatchSize")]
    public int MaxBatchSize { get; set; } = 8;

    /// <summary>Requests a worker accepts at once (running plus queued); beyond it, calls are rejected with RESOURCE_EXHAUSTED.</summary>
    [Range(1, 10000)]
    [DefaultValue(64)]
    [JsonPropertyName("maxConcurrentRequests")]
    public int MaxConcurrentRequests { get; set; } = 64;

    /// <summary>Completion length when a request does not say.</summary>
    [Range(1, 32768)]
    [DefaultValue(256)]
    [JsonPropertyName("maxNewTokens")]
    public int MaxNewTokens { get; set; } = 256;
}
