using System.Globalization;
using System.Text.Json;

namespace SlmFleet.Bench.Autoscaler;

/// <summary>
/// The per-replica service rate (requests/s at full utilization): the worker benchmark's
/// concurrency-16 throughput divided by an assumed request size when bench/results/worker.json has
/// it, otherwise a stated default.
/// </summary>
internal sealed record ServiceRate(double RequestsPerSecond, string Source)
{
    public const double DefaultRequestsPerSecond = 8.0;

    /// <summary>Tokens generated per request assumed when converting tokens/s to requests/s.</summary>
    public const double AssumedTokensPerRequest = 256;

    public static ServiceRate Resolve(string resultsDirectory)
    {
        var path = Path.Combine(resultsDirectory, "worker.json");
        if (File.Exists(path))
        {
            try
            {
                using var document = JsonDocument.Parse(File.ReadAllText(path));
                if (Find(document.RootElement, "tps_c16") is { } tps && tps.TryGetDouble(out var tokensPerSecond) && tokensPerSecond > 0)
                {
                    return new ServiceRate(tokensPerSecond / AssumedTokensPerRequest, string.Create(CultureInfo.InvariantCulture,
                        $"bench/results/worker.json tps_c16 {tokensPerSecond:0.#} tokens/s / {AssumedTokensPerRequest} tokens per request"));
                }
            }
            catch (JsonException)
            {
                // A malformed worker result must not stop the simulation; the default is stated in the report.
            }
        }

        return new ServiceRate(DefaultRequestsPerSecond, "the default; bench/results/worker.json has no usable tps_c16");
    }

    /// <summary>The first property named <paramref name="name"/>, at the top level or nested in objects.</summary>
    private static JsonElement? Find(JsonElement element, string name)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        if (element.TryGetProperty(name, out var value))
        {
            return value;
        }

        foreach (var property in element.EnumerateObject())
        {
            if (Find(property.Value, name) is { } nested)
            {
                return nested;
            }
        }

        return null;
    }
}
