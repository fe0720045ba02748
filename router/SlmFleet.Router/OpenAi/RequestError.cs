namespace SlmFleet.Router.OpenAi;

/// <summary>An error answer: HTTP status plus OpenAI's message/type/param/code (and Retry-After for 429).</summary>
internal sealed record RequestError(int Status, string Message, string Type = OpenAiErrors.InvalidRequest, string? Param = null, string? Code = null)
{
    public string? RetryAfter { get; init; }

    public static RequestError Invalid(string param, string message, string code = "invalid_value") => new(400, message, OpenAiErrors.InvalidRequest, param, code);
}
