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
                if (document.RootElement.TryGetProperty("tps_c16", out var tps) && tps.TryGetDouble(out var tokensPerSecond) && tokensPerSecond > 0)
                {
                    return new ServiceRate(tokensPerSecond / AssumedTokensPerRequest, string.Create(CultureInfo.InvariantCulture,
                        $"worker.json tps_c16 {tokensPerSecond:0.#} tokens/s / {AssumedTokensPerRequest} tokens per request"));
                }
            }
            catch (JsonException)
            {
                // A malformed worker result must not stop the simulation; the default is stated in the report.
            }
        }

        return new ServiceRate(DefaultRequestsPerSecond, string.Create(CultureInfo.InvariantCulture,
            $"default {DefaultRequestsPerSecond} requests/s per replica (no usable tps_c16 in {path})"));
    }
}
