namespace SlmFleet.Operator.Events;

/// <summary>Source-generated log messages of the shared <see cref="EventRecorder"/>.</summary>
internal static partial class EventLog
{
    [LoggerMessage(EventId = 3300, Level = LogLevel.Warning, Message = "Could not post Event {Reason} on {Kind} {Namespace}/{Name}")]
    public static partial void EventFailed(ILogger logger, Exception exception, string reason, string kind, string @namespace, string name);
}
