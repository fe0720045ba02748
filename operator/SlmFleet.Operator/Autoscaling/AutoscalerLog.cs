namespace SlmFleet.Operator.Autoscaling;

/// <summary>Source-generated log messages of the autoscaler loop.</summary>
internal static partial class AutoscalerLog
{
    [LoggerMessage(EventId = 3200, Level = LogLevel.Information, Message = "Autoscaler started: every {IntervalSeconds}s while leading")]
    public static partial void Started(ILogger logger, double intervalSeconds);

    [LoggerMessage(EventId = 3201, Level = LogLevel.Information, Message = "Scaled SlmDeployment {Namespace}/{Name} from {From} to {To} replicas: {Reason}: {Message}")]
    public static partial void Scaled(ILogger logger, string @namespace, string name, int from, int to, ScaleReason reason, string message);

    [LoggerMessage(EventId = 3202, Level = LogLevel.Debug, Message = "SlmDeployment {Namespace}/{Name} holds {Replicas} replicas: {Reason}: {Message}")]
    public static partial void Held(ILogger logger, string @namespace, string name, int replicas, ScaleReason reason, string message);

    [LoggerMessage(EventId = 3203, Level = LogLevel.Debug, Message = "No stats from a worker: {Message}")]
    public static partial void StatsMissing(ILogger logger, string message);

    [LoggerMessage(EventId = 3204, Level = LogLevel.Warning, Message = "Autoscaling SlmDeployment {Namespace}/{Name} failed; retrying next pass")]
    public static partial void Failed(ILogger logger, Exception exception, string @namespace, string name);

    [LoggerMessage(EventId = 3205, Level = LogLevel.Debug, Message = "Conflict writing status of SlmDeployment {Namespace}/{Name}; re-reading")]
    public static partial void Conflict(ILogger logger, string @namespace, string name);

    [LoggerMessage(EventId = 3207, Level = LogLevel.Debug, Message = "SlmDeployment {Namespace}/{Name} not autoscaled: {Why}")]
    public static partial void Skipped(ILogger logger, string @namespace, string name, string why);

    [LoggerMessage(EventId = 3208, Level = LogLevel.Information, Message = "Leadership lost during an autoscaler pass; SlmDeployment {Namespace}/{Name} and the rest of the pass left to the new leader")]
    public static partial void LeadershipLost(ILogger logger, string @namespace, string name);
}
