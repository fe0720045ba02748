namespace SlmFleet.Operator.RoutingPolicies;

/// <summary>One read of every router: the pages of those that answered, and those known to run that did not.</summary>
/// <param name="Pages">The /metrics pages read.</param>
/// <param name="Unreached">Routers found (listed pod, configured URL) whose page could not be read, as (namespace, router identity).</param>
internal sealed record RouterScrape(IReadOnlyList<RouterMetricsText> Pages, IReadOnlyList<(string Namespace, string Router)> Unreached);
