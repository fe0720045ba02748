using System.Globalization;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace SlmFleet.Operator.RoutingPolicies;

/// <summary>
/// Finds the router pods by label in one namespace and GETs <c>http://podIP:port/metrics</c> from
/// each running one (port: the container port named <c>metrics</c>, else the configured one).
/// Reading the pods directly rather than through a Service sees every replica, not one at random.
/// </summary>
internal sealed class PodRouterUsageSource : IRouterUsageSource
{
    private readonly IKubernetes _client;
    private readonly RouterPageReader _pages;
    private readonly string _namespace;
    private readonly RoutingPolicyOptions _options;
    private readonly ILogger _logger;

    public PodRouterUsageSource(IKubernetes client, HttpClient http, string routerNamespace, RoutingPolicyOptions options, RoutingPolicyMetrics metrics, ILogger<PodRouterUsageSource> logger)
    {
        _client = client;
        _namespace = routerNamespace;
        _options = options;
        _logger = logger;
        _pages = new RouterPageReader(http, options.ScrapeTimeout, metrics, logger);
    }

    public async Task<RouterScrape> ReadAsync(CancellationToken cancellationToken)
    {
        V1PodList pods;
        try
        {
            pods = await _client.CoreV1.ListNamespacedPodAsync(_namespace, labelSelector: _options.RouterSelector, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpOperationException or HttpRequestException)
        {
            RoutingPolicyLog.ListFailed(_logger, e, _namespace, _options.RouterSelector);
            throw;
        }

        var running = pods.Items.Where(p => p.Status?.Phase == "Running" && !string.IsNullOrEmpty(p.Status.PodIP) && p.Metadata.DeletionTimestamp is null);
        var reads = await Task.WhenAll(running.Select(p => ReadPodAsync(p, cancellationToken))).ConfigureAwait(false);
        return new RouterScrape(
            [.. reads.Where(r => r.Text is not null).Select(r => new RouterMetricsText(r.Namespace, r.Router, r.Text!))],
            [.. reads.Where(r => r.Text is null).Select(r => (r.Namespace, r.Router))]);
    }

    private async Task<(string Namespace, string Router, string? Text)> ReadPodAsync(V1Pod pod, CancellationToken cancellationToken)
    {
        var port = pod.Spec?.Containers?.SelectMany(c => c.Ports ?? []).FirstOrDefault(p => p.Name == "metrics")?.ContainerPort ?? _options.RouterMetricsPort;
        var host = pod.Status.PodIP.Contains(':', StringComparison.Ordinal) ? $"[{pod.Status.PodIP}]" : pod.Status.PodIP;
        var url = new Uri(string.Create(CultureInfo.InvariantCulture, $"http://{host}:{port}/metrics"));
        var text = await _pages.ReadAsync(pod.Metadata.Name, url, cancellationToken).ConfigureAwait(false);
        return (pod.Metadata.NamespaceProperty ?? _namespace, pod.Metadata.Uid ?? pod.Metadata.Name, text);
    }
}
