using System.Text.Json;

namespace SlmFleet.Router.OpenAi;

/// <summary>Writes errors in OpenAI's format so SDKs surface them as they would OpenAI's own.</summary>
internal static class OpenAiErrors
{
    public const string InvalidRequest = "invalid_request_error";
    public const string Authentication = "authentication_error";
    public const string RateLimit = "rate_limit_error";
    public const string Server = "server_error";

    public static Task WriteAsync(HttpContext context, RequestError error)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(error);
        var response = context.Response;
        response.StatusCode = error.Status;
        response.ContentType = "application/json";
        if (error.RetryAfter is { } retryAfter)
        {
            response.Headers.RetryAfter = retryAfter;
        }

        var envelope = new ErrorEnvelope
        {
            Error = new ErrorDetail { Message = error.Message, Type = error.Type, Param = error.Param, Code = error.Code },
        };
        return JsonSerializer.SerializeAsync(response.Body, envelope, RouterJsonContext.Default.ErrorEnvelope, context.RequestAborted);
    }
}
