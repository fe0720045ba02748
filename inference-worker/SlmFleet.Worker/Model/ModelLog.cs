namespace SlmFleet.Worker.Model;

internal static partial class ModelLog
{
    [LoggerMessage(EventId = 200, Level = LogLevel.Warning, Message = "CUDA execution provider unavailable ({Reason}); falling back to CPU")]
    public static partial void CudaFallback(ILogger logger, string reason);
}
