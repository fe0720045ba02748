using System.Collections.Concurrent;
using SlmFleet.Api.V1Alpha1;

namespace SlmFleet.Router.Llm;

/// <summary>
/// Reads LLM API keys from mounted Secret files: <c>{secretsDir}/{secret name}/{key, default api-key}</c>.
/// Values are cached for a short while so a rotated Secret is picked up without a restart. The value
/// only ever goes into the Authorization header: never into logs, metrics or errors.
/// </summary>
internal sealed class LlmKeyProvider(string secretsDirectory, TimeProvider time)
{
    private static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(30);
    private readonly ConcurrentDictionary<string, (string? Value, DateTimeOffset ReadAt)> _cache = new(StringComparer.Ordinal);

    /// <summary>The key for <paramref name="reference"/>, or null when no reference or no file (endpoints that need no key).</summary>
    public string? Get(SecretKeyReference? reference)
    {
        if (reference is null || string.IsNullOrEmpty(reference.Name))
        {
            return null;
        }

        var path = Path.Combine(secretsDirectory, reference.Name, string.IsNullOrEmpty(reference.Key) ? "api-key" : reference.Key);
        var now = time.GetUtcNow();
        if (_cache.TryGetValue(path, out var cached) && now - cached.ReadAt < CacheFor)
        {
            return cached.Value;
        }

        var value = File.Exists(path) ? File.ReadAllText(path).Trim() : null;
        _cache[path] = (value, now);
        return value;
    }
}
