namespace SlmFleet.Operator.SlmDeployments;

/// <summary>Source-generated log messages of the SlmDeployment reconciler. Never logs Secret values.</summary>
internal static partial class SlmDeploymentLog
{
    [LoggerMessage(EventId = 3100, Level = LogLevel.Debug, Message = "Reconciling SlmDeployment {Namespace}/{Name}: {Writes} write(s) planned")]
    public static partial void Planned(ILogger logger, string @namespace, string name, int writes);

    [LoggerMessage(EventId = 3101, Level = LogLevel.Information, Message = "{Verb} {Kind} {Namespace}/{Name}")]
    public static partial void Wrote(ILogger logger, string verb, string kind, string @namespace, string name);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Warning, Message = "SlmDeployment {Namespace}/{Name} not rolled out: {Reason}: {Message}")]
    public static partial void Blocked(ILogger logger, string @namespace, string name, string reason, string message);

    [LoggerMessage(EventId = 3103, Level = LogLevel.Debug, Message = "Conflict writing {Kind} {Namespace}/{Name}; requeueing")]
    public static partial void Conflict(ILogger logger, string kind, string @namespace, string name);

    [LoggerMessage(EventId = 3104, Level = LogLevel.Information, Message = "SlmDeployment {Namespace}/{Name}: removed the finalizer {Finalizer} an older operator version set; the garbage collector deletes its owned objects")]
    public static partial void LegacyFinalizerRemoved(ILogger logger, string @namespace, string name, string finalizer);

    [LoggerMessage(EventId = 3105, Level = LogLevel.Debug, Message = "SlmDeployment {Namespace}/{Name} is gone; the garbage collector deletes its owned objects")]
    public static partial void Gone(ILogger logger, string @namespace, string name);

    [LoggerMessage(EventId = 3106, Level = LogLevel.Debug, Message = "SlmDeployment {Namespace}/{Name} or an object it owns was deleted during the reconcile; requeueing")]
    public static partial void DeletedMeanwhile(ILogger logger, string @namespace, string name);

    [LoggerMessage(EventId = 3107, Level = LogLevel.Warning, Message = "Applying {Kind} {Namespace}/{Name} was refused ({StatusCode}): {ApiMessage} (failure {Consecutive} in a row)")]
    public static partial void WriteFailed(ILogger logger, string kind, string @namespace, string name, int statusCode, string apiMessage, int consecutive);
}
