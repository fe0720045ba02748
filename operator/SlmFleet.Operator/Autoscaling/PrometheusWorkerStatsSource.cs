using System.Globalization;
using System.Text.Json;
using k8s.Models;

namespace SlmFleet.Operator.Autoscaling;

/// <summary>
/// Reads a worker's load from Prometheus instead of the worker itself (<c>slm-operator run
/// --prometheus-url</c>): one instant query per pod for the worker's own gauges
/// (<c>slm_worker_utilization_ratio</c>, <c>slm_worker_queue_depth</c>, <c>slm_worker_tokens_per_second</c>),
/// selected by the <c>namespace</c> and <c>pod</c> target labels a PodMonitor or the usual Kubernetes
/// scrape config attaches. Useful where the operator may not reach pod IPs, or where Prometheus is
/// already the source of truth for the SREs' dashboards.
/// </summary>
internal sealed class PrometheusWorkerStatsSource(Uri prometheusUrl, HttpClient http) : IWorkerStatsSource
{
    internal const string UtilizationMetric = "slm_worker_utilization_ratio";

    /// <summary>Preferred when the worker exports it: demand against batch slots, not the duty cycle.</summary>
    internal const string CapacityUtilizationMetric = "slm_worker_capacity_utilization_ratio";
    internal const string QueueDepthMetric = "slm_worker_queue_depth";
    internal const string TokensPerSecondMetric = "slm_worker_tokens_per_second";

    public async Task<WorkerStats> ReadAsync(V1Pod pod, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pod);
        var name = pod.Metadata?.Name ?? throw new WorkerStatsUnavailableException("pod has no name");
        var ns = pod.Metadata.NamespaceProperty ?? "default";
        var query = Query(ns, name);
        var url = new Uri(prometheusUrl, "api/v1/query?query=" + Uri.EscapeDataString(query));

        JsonDocument document;
        try
        {
            using var response = await http.GetAsync(url, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw new WorkerStatsUnavailableException($"Prometheus at {prometheusUrl} answered {(int)response.StatusCode} to the query for pod {ns}/{name}");
            }

            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            document = await JsonDocument.ParseAsync(body, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw new WorkerStatsUnavailableException($"Prometheus at {prometheusUrl} could not be read for pod {ns}/{name}: {ex.Message}", ex);
        }

        using (document)
        {
            var samples = Samples(document.RootElement);
            if (samples.TryGetValue(CapacityUtilizationMetric, out var capacity) && double.IsFinite(capacity))
            {
                samples[UtilizationMetric] = capacity;
            }

            if (!samples.TryGetValue(UtilizationMetric, out var utilization) || !double.IsFinite(utilization))
            {
                throw new WorkerStatsUnavailableException($"Prometheus has no {UtilizationMetric} for pod {ns}/{name} (is the worker PodMonitor scraping it?)");
            }

            var queue = samples.TryGetValue(QueueDepthMetric, out var q) && double.IsFinite(q) ? (int)Math.Max(0, q) : 0;
            var tokens = samples.TryGetValue(TokensPerSecondMetric, out var t) && double.IsFinite(t) ? Math.Max(0, t) : 0;
            return new WorkerStats(Math.Clamp(utilization, 0, 1), queue, tokens);
        }
    }

    /// <summary>The PromQL selecting the three gauges of one pod; label values are escaped for PromQL strings.</summary>
    internal static string Query(string ns, string pod) => string.Create(CultureInfo.InvariantCulture,
        $"{{__name__=~\"{CapacityUtilizationMetric}|{UtilizationMetric}|{QueueDepthMetric}|{TokensPerSecondMetric}\",namespace=\"{Escape(ns)}\",pod=\"{Escape(pod)}\"}}");

    private static string Escape(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);

    /// <summary>metric name → value from an instant-query vector (<c>data.result[].metric.__name__</c>, <c>value[1]</c>).</summary>
    private static Dictionary<string, double> Samples(JsonElement root)
    {
        var samples = new Dictionary<string, double>(StringComparer.Ordinal);
        if (!root.TryGetProperty("data", out var data) || !data.TryGetProperty("result", out var result) || result.ValueKind != JsonValueKind.Array)
        {
            return samples;
        }

        foreach (var series in result.EnumerateArray())
        {
            if (series.TryGetProperty("metric", out var metric)
                && metric.TryGetProperty("__name__", out var metricName)
                && series.TryGetProperty("value", out var value)
                && value.ValueKind == JsonValueKind.Array
                && value.GetArrayLength() == 2
                && double.TryParse(value[1].GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
            {
                samples[metricName.GetString()!] = number;
            }
        }

        return samples;
    }
}
