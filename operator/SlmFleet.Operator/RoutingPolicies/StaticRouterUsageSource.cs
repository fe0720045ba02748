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

    public async Task<IReadOnlyList<RouterMetricsText>> ReadAsync(CancellationToken cancellationToken)
    {
        var pages = await Task.WhenAll(_urls.Select(async url =>
        {
            var text = await _pages.ReadAsync(url.Authority, url, cancellationToken).ConfigureAwait(false);
            return text is null ? null : new RouterMetricsText(_namespace, url.ToString(), text);
        })).ConfigureAwait(false);
        return [.. pages.OfType<RouterMetricsText>()];
    }
}
