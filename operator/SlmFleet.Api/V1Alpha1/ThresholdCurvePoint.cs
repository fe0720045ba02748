using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace SlmFleet.Api.V1Alpha1;

/// <summary>One point of the budget curve: from this fraction of the monthly budget spent, at most this threshold.</summary>
public sealed class ThresholdCurvePoint
{
    /// <summary>Fraction of the monthly budget spent (0 to 1).</summary>
    [Required]
    [Range(0.0, 1.0)]
    [JsonPropertyName("spentFraction")]
    public double SpentFraction { get; set; }

    /// <summary>The confidence threshold at that point; between points the threshold is interpolated linearly.</summary>
    [Required]
    [Range(0.0, 1.0)]
    [JsonPropertyName("threshold")]
    public double Threshold { get; set; }
}
