namespace SlmFleet.Worker.Model;

internal static partial class ModelLog
{
    [LoggerMessage(EventId = 200, Level = LogLevel.Warning, Message = "CUDA execution provider unavailable ({Reason}); falling back to CPU")]
    public static partial void CudaFallback(ILogger logger, string reason);

    [LoggerMessage(EventId = 201, Level = LogLevel.Information, Message = "Serving {File}: {Conventions}; KV slots reserve {KvMiB:F0} MiB")]
    public static partial void Conventions(ILogger logger, string file, string conventions, double kvMiB);

    [LoggerMessage(EventId = 202, Level = LogLevel.Information, Message = "Tokenizer: {Family} from {Directory}")]
    public static partial void Tokenizer(ILogger logger, string family, string directory);

    [LoggerMessage(EventId = 203, Level = LogLevel.Information, Message = "Chat template: {Template}")]
    public static partial void ChatTemplate(ILogger logger, string template);

    [LoggerMessage(EventId = 204, Level = LogLevel.Warning, Message = "The model's own chat template is left out because --chat-template replaces it: {Problem}")]
    public static partial void ChatTemplateSkipped(ILogger logger, string problem);
}
