namespace SlmFleet.Router.Hosting;

/// <summary>Source-generated log messages of the start-up warm-up (event ids 30–39).</summary>
internal static partial class WarmUpLog
{
    [LoggerMessage(EventId = 30, Level = LogLevel.Information, Message = "Warm-up done in {Milliseconds} ms; /readyz now answers 200")]
    public static partial void WarmedUp(ILogger logger, double milliseconds);

    [LoggerMessage(EventId = 31, Level = LogLevel.Warning, Message = "Warm-up failed; the router is marked ready anyway")]
    public static partial void WarmUpFailed(ILogger logger, Exception exception);
}
