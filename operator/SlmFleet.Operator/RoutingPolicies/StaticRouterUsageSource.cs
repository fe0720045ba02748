namespace SlmFleet.Operator.RoutingPolicies;

/// <summary>
/// Reads a fixed list of router /metrics URLs (local runs, or routers behind per-replica addresses),
/// all attributed to one namespace. Each URL is one router.
/// </summary>
internal sealed class StaticRouterUsageSource : IRouterUsageSource
{
    private readonly IReadOnlyList<Uri> _urls;
    private readonly string _namespace;
    private readonly RouterPageReader _pages;

    public StaticRouterUsageSource(IReadOnlyList<Uri> urls, string routerNamespace, HttpClient http, RoutingPolicyOptions options, RoutingPolicyMetrics metrics, ILogger<StaticRouterUsageSource> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _urls = urls;
        _namespace = routerNamespace;
        _pages = new RouterPageReader(http, options.ScrapeTimeout, metrics, logger);
    }

    public async Task<RouterScrape> ReadAsync(CancellationToken cancellationToken)
    {
        var reads = await Task.WhenAll(_urls.Select(async url =>
            (Router: url.ToString(), Text: await _pages.ReadAsync(url.Authority, url, cancellationToken).ConfigureAwait(false)))).ConfigureAwait(false);
        return new RouterScrape(
            [.. reads.Where(r => r.Text is not null).Select(r => new RouterMetricsText(_namespace, r.Router, r.Text!))],
            [.. reads.Where(r => r.Text is null).Select(r => (_namespace, r.Router))]);
    }
}
