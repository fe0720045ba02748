namespace SlmFleet.Operator.RoutingPolicies;

/// <summary>
/// One router's <c>/metrics</c> page. <paramref name="Router"/> identifies the router process
/// (e.g. the pod's uid), so a restarted router — whose counters start from zero — is told apart.
/// </summary>
/// <param name="Namespace">The router's namespace: it serves the RoutingPolicies of that namespace.</param>
/// <param name="Router">A stable identity of the router process.</param>
/// <param name="Text">The Prometheus text.</param>
internal sealed record RouterMetricsText(string Namespace, string Router, string Text);
