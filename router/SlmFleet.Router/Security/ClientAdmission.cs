using System.Globalization;
using SlmFleet.Router.Hosting;
using SlmFleet.Router.OpenAi;

namespace SlmFleet.Router.Security;

/// <summary>
/// The checks every OpenAI endpoint besides chat/completions makes before its own work (client key, then
/// per-client rate limit), answering exactly as chat completions does (401 <c>invalid_api_key</c>, 429
/// <c>rate_limit_exceeded</c>), so an SDK sees one behaviour across endpoints.
/// </summary>
internal sealed class ClientAdmission(RouterOptions options, ClientKeyAuthenticator authenticator, ClientRateLimiter rateLimiter)
{
    public RequestError? Admit(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        string? client = null;
        if (authenticator.Enabled)
        {
            var header = context.Request.Headers.Authorization.ToString();
            var presented = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header.AsSpan(7).Trim() : ReadOnlySpan<char>.Empty;
            client = authenticator.Authenticate(presented);
            if (client is null)
            {
                return new RequestError(401, presented.IsEmpty
                    ? "Missing API key: send 'Authorization: Bearer <key>'."
                    : "Invalid API key.", OpenAiErrors.Authentication, null, "invalid_api_key");
            }
        }

        if (rateLimiter.Enabled && rateLimiter.TryAcquire(client ?? context.Connection.RemoteIpAddress?.ToString() ?? "unknown") is { } retryAfter)
        {
            return new RequestError(429, $"Rate limit of {options.RateLimitPerSecond.ToString(CultureInfo.InvariantCulture)} requests/s per client exceeded; retry after {retryAfter}s.", OpenAiErrors.RateLimit, null, "rate_limit_exceeded")
            {
                RetryAfter = retryAfter,
            };
        }

        return null;
    }
}
