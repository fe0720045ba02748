namespace SlmFleet.Worker.Scheduling;

internal static partial class SchedulerLog
{
    [LoggerMessage(EventId = 100, Level = LogLevel.Error, Message = "Decode step failed; the running sequences were ended with finish reason \"error\"")]
    public static partial void StepFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 101, Level = LogLevel.Debug, Message = "Request {RequestId} finished ({FinishReason}): {PromptTokens} prompt + {CompletionTokens} completion tokens")]
    public static partial void Finished(ILogger logger, string requestId, string finishReason, int promptTokens, int completionTokens);

    [LoggerMessage(EventId = 102, Level = LogLevel.Warning, Message = "Request {RequestId}: the output constraint allows no token after {Tokens} tokens; the row ends with finish reason \"error\"")]
    public static partial void ConstraintDeadEnd(ILogger logger, string requestId, int tokens);
}
