using System.Text.Json.Serialization;

namespace SlmFleet.Api.V1Alpha1;

/// <summary>
/// Warm-up durations the operator measured on this SlmDeployment's worker pods: from pod creation to its
/// first <c>Ready</c> (scheduling, image pull, model load and warm-up prompts together). Routers read
/// <c>predictedSeconds</c> to decide whether a request that finds no ready replica waits or escalates.
/// </summary>
public sealed class WarmUpStatus
{
    /// <summary>The warm-up a cold start is predicted to take: the 90th percentile (nearest rank) of <c>recentSeconds</c>.</summary>
    [JsonPropertyName("predictedSeconds")]
    public double? PredictedSeconds { get; set; }

    /// <summary>The last measured warm-up, in seconds.</summary>
    [JsonPropertyName("lastSeconds")]
    public double? LastSeconds { get; set; }

    /// <summary>The last measured warm-ups, oldest first (at most 10), in seconds.</summary>
    [JsonPropertyName("recentSeconds")]
    public List<double>? RecentSeconds { get; set; }

    /// <summary>Warm-ups measured since the SlmDeployment was created.</summary>
    [JsonPropertyName("samples")]
    public long? Samples { get; set; }

    /// <summary>When the last measured pod became ready; pods ready at or before it are not measured again (an operator restart re-lists them).</summary>
    [JsonPropertyName("lastReadyTime")]
    public DateTime? LastReadyTime { get; set; }
}
