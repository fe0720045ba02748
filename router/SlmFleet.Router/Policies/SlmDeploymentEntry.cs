namespace SlmFleet.Router.Policies;

/// <summary>
/// An SlmDeployment as the router needs it: its name (also its Service's name) and its served model name;
/// in cluster mode also whether it may scale to zero (<c>minReplicas: 0</c>) and the warm-up the operator
/// predicts for it (<c>status.warmUp.predictedSeconds</c>), which decide a request's fate at a cold start.
/// </summary>
internal sealed record SlmDeploymentEntry(string Name, string ServedModel, bool ScalesToZero = false, double? PredictedWarmUpSeconds = null);
