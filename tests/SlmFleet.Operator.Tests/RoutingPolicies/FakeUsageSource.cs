using SlmFleet.Operator.RoutingPolicies;

namespace SlmFleet.Operator.Tests.RoutingPolicies;

/// <summary>Router pages a test sets by hand; each read returns the current set.</summary>
internal sealed class FakeUsageSource : IRouterUsageSource
{
    private volatile RouterScrape _scrape = new([], []);

    public void Set(params RouterMetricsText[] pages) => _scrape = new RouterScrape(pages, []);

    public Task<RouterScrape> ReadAsync(CancellationToken cancellationToken) => Task.FromResult(_scrape);
}
