
namespace SlmFleet.Operator.Runtime;

/// <summary>Source-generated log messages of the controller runtime.</summary>
internal static partial class RuntimeLog
{
    [LoggerMessage(1, LogLevel.Information, "Informer {Resource} listed {Count} objects at resourceVersion {ResourceVersion}")]
    public static partial void Listed(ILogger logger, string resource, int count, string? resourceVersion);

    [LoggerMessage(2, LogLevel.Information, "Informer {Resource}: resourceVersion {ResourceVersion} expired (410), relisting")]
    public static partial void WatchExpired(ILogger logger, string resource, string? resourceVersion);

    [LoggerMessage(3, LogLevel.Warning, "Informer {Resource}: list/watch failed, retrying in {Delay}")]
    public static partial void ListWatchFailed(ILogger logger, Exception exception, string resource, TimeSpan delay);

    [LoggerMessage(4, LogLevel.Debug, "Informer {Resource}: watch ended after {Events} events, reopening from {ResourceVersion}")]
    public static partial void WatchEnded(ILogger logger, string resource, int events, string? resourceVersion);

    [LoggerMessage(5, LogLevel.Error, "Controller {Controller}: reconcile of {Key} failed (attempt {Attempt})")]
    public static partial void ReconcileFailed(ILogger logger, Exception exception, string controller, string key, int attempt);

    [LoggerMessage(6, LogLevel.Information, "Controller {Controller} started with {Workers} workers")]
    public static partial void ControllerStarted(ILogger logger, string controller, int workers);

    [LoggerMessage(7, LogLevel.Information, "Controller {Controller} stopped")]
    public static partial void ControllerStopped(ILogger logger, string controller);

    [LoggerMessage(8, LogLevel.Information, "Leader election: {Identity} started leading lease {Namespace}/{Lease}")]
    public static partial void StartedLeading(ILogger logger, string identity, string @namespace, string lease);

    [LoggerMessage(9, LogLevel.Warning, "Leader election: {Identity} stopped leading lease {Namespace}/{Lease}")]
    public static partial void StoppedLeading(ILogger logger, string identity, string @namespace, string lease);

    [LoggerMessage(10, LogLevel.Information, "Leader election: lease {Namespace}/{Lease} is now held by {Leader}")]
    public static partial void NewLeader(ILogger logger, string @namespace, string lease, string leader);

    [LoggerMessage(11, LogLevel.Warning, "Leader election error")]
    public static partial void LeaderElectionError(ILogger logger, Exception exception);

    [LoggerMessage(12, LogLevel.Error, "Event handler of informer {Resource} threw")]
    public static partial void HandlerFailed(ILogger logger, Exception exception, string resource);

    [LoggerMessage(13, LogLevel.Information, "Health endpoints listening on {Url}")]
    public static partial void HealthListening(ILogger logger, string url);
}
