using System.Globalization;
using System.Threading.RateLimiting;

namespace SlmFleet.Router.Security;

/// <summary>A token bucket per client (API key id, or remote address without auth). Disabled when the rate is 0.</summary>
internal sealed class ClientRateLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<string>? _limiter;

    public ClientRateLimiter(double requestsPerSecond, int burst)
    {
        if (requestsPerSecond <= 0)
        {
            return;
        }

        var perPeriod = Math.Max(1, (int)Math.Ceiling(requestsPerSecond));
        var period = TimeSpan.FromSeconds(perPeriod / requestsPerSecond);
        _limiter = PartitionedRateLimiter.Create<string, string>(client => RateLimitPartition.GetTokenBucketLimiter(client, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = Math.Max(burst, perPeriod),
            TokensPerPeriod = perPeriod,
            ReplenishmentPeriod = period,
            QueueLimit = 0,
            AutoReplenishment = true,
        }));
    }

    public bool Enabled => _limiter is not null;

    /// <summary>Null when admitted; otherwise the Retry-After value in whole seconds.</summary>
    public string? TryAcquire(string client)
    {
        if (_limiter is null)
        {
            return null;
        }

        using var lease = _limiter.AttemptAcquire(client);
        if (lease.IsAcquired)
        {
            return null;
        }

        var seconds = lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)) : 1;
        return seconds.ToString(CultureInfo.InvariantCulture);
    }

    public void Dispose() => _limiter?.Dispose();
}
