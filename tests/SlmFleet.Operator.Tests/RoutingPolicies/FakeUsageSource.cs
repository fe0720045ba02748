using SlmFleet.Operator.RoutingPolicies;

namespace SlmFleet.Operator.Tests.RoutingPolicies;

/// <summary>Router pages a test sets by hand; each read returns the current set.</summary>
internal sealed class FakeUsageSource : IRouterUsageSource
{
    private volatile IReadOnlyList<RouterMetricsText> _pages = [];

    public void Set(params RouterMetricsText[] pages) => _pages = pages;

    public Task<IReadOnlyList<RouterMetricsText>> ReadAsync(CancellationToken cancellationToken) => Task.FromResult(_pages);
}
