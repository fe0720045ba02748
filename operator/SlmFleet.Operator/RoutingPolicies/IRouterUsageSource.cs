namespace SlmFleet.Operator.RoutingPolicies;

/// <summary>Where the operator reads the routers' counters from: one Prometheus text page per router.</summary>
internal interface IRouterUsageSource
{
    /// <summary>
    /// Reads every router's metrics now. A router that cannot be reached has no page (its last numbers
    /// are kept by the ledger) and is named in <see cref="RouterScrape.Unreached"/>; the call itself fails
    /// only when the routers cannot be found.
    /// </summary>
    Task<RouterScrape> ReadAsync(CancellationToken cancellationToken);
}
