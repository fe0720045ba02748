namespace SlmFleet.Operator.Autoscaling;

/// <summary>The replica count the metrics called for at one moment, before stabilization.</summary>
internal sealed record ScaleRecommendation(DateTimeOffset Time, int Replicas);
