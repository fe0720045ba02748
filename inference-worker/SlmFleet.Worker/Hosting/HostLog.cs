namespace SlmFleet.Worker.Hosting;

internal static partial class HostLog
{
    [LoggerMessage(EventId = 300, Level = LogLevel.Information, Message = "Model {Model} warm after {WarmupSeconds:F2} s on {Provider}; serving")]
    public static partial void Warm(ILogger logger, string model, double warmupSeconds, string provider);

    [LoggerMessage(EventId = 301, Level = LogLevel.Information, Message = "Listening: gRPC {GrpcAddress}, metrics {MetricsAddress}")]
    public static partial void Listening(ILogger logger, Uri grpcAddress, Uri metricsAddress);

    [LoggerMessage(EventId = 302, Level = LogLevel.Error, Message = "Warm-up failed; health stays NOT_SERVING")]
    public static partial void WarmupFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 310, Level = LogLevel.Information, Message = "Stopping: health NOT_SERVING, new requests refused; draining {Active} running and {Queued} queued requests for up to {Seconds} s")]
    public static partial void Draining(ILogger logger, int active, int queued, double seconds);
}
