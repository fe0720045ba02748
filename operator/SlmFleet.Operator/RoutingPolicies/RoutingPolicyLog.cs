namespace SlmFleet.Operator.RoutingPolicies;

/// <summary>Source-generated log messages of the RoutingPolicy reconciler and usage collector. Never logs Secret values.</summary>
internal static partial class RoutingPolicyLog
{
    [LoggerMessage(EventId = 3400, Level = LogLevel.Warning, Message = "RoutingPolicy {Namespace}/{Name} not ready: {Reason}: {Message}")]
    public static partial void NotReady(ILogger logger, string @namespace, string name, string reason, string message);

    [LoggerMessage(EventId = 3401, Level = LogLevel.Debug, Message = "Conflict writing RoutingPolicy {Namespace}/{Name} status; requeueing")]
    public static partial void Conflict(ILogger logger, string @namespace, string name);

    [LoggerMessage(EventId = 3403, Level = LogLevel.Warning, Message = "Could not read router metrics from {Router} at {Url}")]
    public static partial void ScrapeFailed(ILogger logger, Exception exception, string router, string url);

    [LoggerMessage(EventId = 3404, Level = LogLevel.Warning, Message = "Could not list router pods in {Namespace} with selector {Selector}")]
    public static partial void ListFailed(ILogger logger, Exception exception, string @namespace, string selector);

    [LoggerMessage(EventId = 3405, Level = LogLevel.Debug, Message = "Read usage of {Routers} router(s) for {Month}: {Policies} model alias(es), {Skipped} malformed line(s)")]
    public static partial void Collected(ILogger logger, int routers, string month, int policies, int skipped);

    [LoggerMessage(EventId = 3406, Level = LogLevel.Information, Message = "Updated RoutingPolicy {Namespace}/{Name} status")]
    public static partial void StatusWritten(ILogger logger, string @namespace, string name);

    [LoggerMessage(EventId = 3407, Level = LogLevel.Information, Message = "Usage ledger started for {Month} from {Seeds} RoutingPolicy status total(s) of that month; {Routers} router(s) read now count from here, {Unreached} unreachable one(s) from their first read")]
    public static partial void LedgerStarted(ILogger logger, string month, int seeds, int routers, int unreached);

    [LoggerMessage(EventId = 3408, Level = LogLevel.Debug, Message = "Usage collection waits for the RoutingPolicy cache to sync: the statuses seed this month's totals")]
    public static partial void WaitingForStatuses(ILogger logger);
}
