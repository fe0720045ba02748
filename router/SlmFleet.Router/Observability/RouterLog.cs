namespace SlmFleet.Router.Observability;

/// <summary>Source-generated log messages for the router. None of them takes a secret.</summary>
internal static partial class RouterLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "SLM endpoint {Endpoint} of {Deployment} ejected for {Seconds}s after {Status}")]
    public static partial void EndpointEjected(ILogger logger, string endpoint, string deployment, double seconds, string status);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Loaded {Policies} routing policies and {Deployments} SLM deployments from {Source}")]
    public static partial void PoliciesLoaded(ILogger logger, int policies, int deployments, string source);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "LLM call for {Model} failed: {Reason}")]
    public static partial void LlmFailed(ILogger logger, string model, string reason);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "Watch of {Resource} failed; retrying in {Seconds}s")]
    public static partial void WatchFailed(ILogger logger, string resource, double seconds, Exception exception);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "Shadow comparison for {Model} failed: {Reason}")]
    public static partial void ShadowFailed(ILogger logger, string model, string reason);

    [LoggerMessage(EventId = 6, Level = LogLevel.Information, Message = "Endpoints of SlmDeployment {Deployment}: {Count} ready")]
    public static partial void EndpointsUpdated(ILogger logger, string deployment, int count);

    [LoggerMessage(EventId = 7, Level = LogLevel.Error, Message = "Unhandled error serving {Path}")]
    public static partial void Unhandled(ILogger logger, string path, Exception exception);

    [LoggerMessage(EventId = 8, Level = LogLevel.Warning, Message = "Invalid routing policy {Name} ignored: {Errors}")]
    public static partial void PolicyInvalid(ILogger logger, string name, string errors);

    [LoggerMessage(EventId = 9, Level = LogLevel.Warning, Message = "SLM stream for {Model} broke after it was committed: {Reason}; the client got an error event")]
    public static partial void SlmStreamBroken(ILogger logger, string model, string reason);

    [LoggerMessage(EventId = 10, Level = LogLevel.Information, Message = "Confidence threshold of {Model} ({Task}) calibrated from {Previous} to {Applied} by this router's shadow counts")]
    public static partial void ThresholdCalibrated(ILogger logger, string model, string task, double previous, double applied);

    [LoggerMessage(EventId = 11, Level = LogLevel.Warning, Message = "Distillation record of {Model} dropped: {Kind}: {Reason}")]
    public static partial void DistillationWriteFailed(ILogger logger, string model, string kind, string reason);

    [LoggerMessage(EventId = 12, Level = LogLevel.Warning, Message = "Could not record demand on SlmDeployment {Deployment} ({Reason}): a fleet at zero replicas stays there until a write succeeds; check the router's RBAC (patch slmdeployments)")]
    public static partial void DemandNotRecorded(ILogger logger, string deployment, string reason);

    [LoggerMessage(EventId = 13, Level = LogLevel.Information, Message = "Request for {Model} found {Deployment} without a ready replica: {Decision} after {WaitedMs} ms")]
    public static partial void ColdStart(ILogger logger, string model, string deployment, string decision, long waitedMs);
}
