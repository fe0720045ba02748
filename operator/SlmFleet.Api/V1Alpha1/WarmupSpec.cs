using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace SlmFleet.Api.V1Alpha1;

/// <summary>Start-up warm-up: the worker loads the model, runs these prompts, then reports ready.</summary>
public sealed class WarmupSpec
{
    /// <summary>Prompts run once at start-up; the first real request then finds compiled kernels and allocated buffers.</summary>
    [MaxLength(16)]
    [JsonPropertyName("prompts")]
    public List<string>? Prompts { get; set; }

    /// <summary>Budget for model load plus warm-up, in seconds; the startup probe allows this long (real GPUs take 60–180 s).</summary>
    [Range(10, 3600)]
    [DefaultValue(300)]
    [JsonPropertyName("timeoutSeconds")]
    public int TimeoutSeconds { get; set; } = 300;
}
