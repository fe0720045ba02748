namespace SlmFleet.Router.Policies;

/// <summary>
/// An SlmDeployment as the router needs it: its name (also its Service's name) and its served model name;
/// in cluster mode also whether it may scale to zero (<c>minReplicas: 0</c>) and the warm-up the operator
/// predicts for it (<c>status.warmUp.predictedSeconds</c>), which decide a request's fate at a cold start, and
/// <see cref="StartingSince"/>: when the operator scaled it up while no replica was ready (<c>status.lastScaleTime</c>
/// with <c>desiredReplicas</c> above 0 and <c>readyReplicas</c> 0), so a router that sees the fleet cold later than
/// another counts the warm-up from the real start, not from its own first cold request.
/// </summary>
internal sealed record SlmDeploymentEntry(
    string Name, string ServedModel, bool ScalesToZero = false, double? PredictedWarmUpSeconds = null, DateTimeOffset? StartingSince = null);
