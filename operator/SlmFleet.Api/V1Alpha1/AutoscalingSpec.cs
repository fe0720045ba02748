using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using SlmFleet.Api.Schema;
using SlmFleet.Api.Validation;

namespace SlmFleet.Api.V1Alpha1;

/// <summary>
/// Holds the fleet's capacity utilization inside [targetUtilizationLow, targetUtilizationHigh]. Capacity
/// utilization is work in flight against what a worker can run at once: running plus queued requests
/// divided by the batch slots (--max-batch), time-averaged over the worker's stats window, so one
/// sequence in a 16-slot batch reads 1/16. (The engine's duty cycle, which reads near 100 % as soon as
/// one sequence runs, is still exported as slm_worker_utilization_ratio; workers too old to report
/// capacity are judged by it.)
/// </summary>
[CelRule(CrossFieldRules.BandLowBelowHigh, "targetUtilizationLow must be less than targetUtilizationHigh", FieldPath = ".targetUtilizationLow")]
public sealed class AutoscalingSpec
{
    /// <summary>When false, the operator never changes spec.replicas (HPA or KEDA may drive the scale subresource instead).</summary>
    [DefaultValue(true)]
    [JsonPropertyName("enabled")]
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Lower edge of the band. Replicas are removed after the scale-down window when utilization is below
    /// it, or when the smaller fleet would still run its busiest minute of the window at or below four
    /// fifths up the band (0.76 for 0.60-0.80), so the fleet settles near the top of the band, not its
    /// middle. Must be less than targetUtilizationHigh.
    /// </summary>
    [Range(0.05, 0.95)]
    [DefaultValue(0.60)]
    [JsonPropertyName("targetUtilizationLow")]
    public double TargetUtilizationLow { get; set; } = 0.60;

    /// <summary>Above this capacity utilization replicas are added, sized to bring utilization back to four fifths up the band (0.76 for 0.60-0.80), where scale-downs settle too.</summary>
    [Range(0.1, 1.0)]
    [DefaultValue(0.80)]
    [JsonPropertyName("targetUtilizationHigh")]
    public double TargetUtilizationHigh { get; set; } = 0.80;

    /// <summary>
    /// How long utilization must stay above the band before a utilization-driven scale-up, in seconds; the
    /// step is sized by the lowest load in the window, so a short burst does not buy a GPU. Queue depth
    /// above queueDepthPerReplicaHigh skips this window.
    /// </summary>
    [Range(0, 3600)]
    [DefaultValue(30)]
    [JsonPropertyName("scaleUpStabilizationSeconds")]
    public int ScaleUpStabilizationSeconds { get; set; } = 30;

    /// <summary>How long utilization must stay under the band before replicas are removed, in seconds.</summary>
    [Range(0, 86400)]
    [DefaultValue(300)]
    [JsonPropertyName("scaleDownStabilizationSeconds")]
    public int ScaleDownStabilizationSeconds { get; set; } = 300;

    /// <summary>Queued requests per ready replica above which the fleet scales up even if utilization lags.</summary>
    [Range(1, 10000)]
    [DefaultValue(8)]
    [JsonPropertyName("queueDepthPerReplicaHigh")]
    public int QueueDepthPerReplicaHigh { get; set; } = 8;
}
