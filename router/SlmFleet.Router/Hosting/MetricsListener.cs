using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace SlmFleet.Router.Hosting;

/// <summary>
/// <c>/metrics</c> on a port of its own (<c>--metrics-listen</c>, default <c>http://0.0.0.0:9090</c>),
/// as controller-runtime's metrics bind address and most exporters do: a NetworkPolicy can then let the
/// monitoring namespace reach the metrics and nothing else, and clients of the API port cannot read the
/// router's spend, policy names and traffic. The metrics port serves <c>/metrics</c> and the probes
/// only; the API port no longer serves <c>/metrics</c>. An empty value, or the same address as
/// <c>--listen</c> (port 0 aside), keeps one port for both (local runs).
/// </summary>
/// <remarks>
/// Which listener a request came in on is marked on its connection (a connection middleware on the
/// metrics endpoints) rather than compared by port, so that port 0 (tests) works too. 9090 is what the
/// operator scrapes on router pods that declare no container port named <c>metrics</c>.
/// </remarks>
internal static class MetricsListener
{
    public const string Flag = "--metrics-listen";

    private const string ConnectionKey = "slmfleet.metrics-listener";

    /// <summary>True when metrics get their own listener.</summary>
    /// <exception cref="InvalidOperationException">The metrics address is not plain http://.</exception>
    public static bool Apart(RouterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        // Equal addresses mean one port, except port 0, which asks for a free port each time (tests).
        if (string.IsNullOrWhiteSpace(options.MetricsListen)
            || (string.Equals(options.MetricsListen.Trim(), options.Listen.Trim(), StringComparison.OrdinalIgnoreCase)
                && ListenBinder.Addresses(options.Listen, "--listen").All(a => a.Port != 0)))
        {
            return false;
        }

        foreach (var address in ListenBinder.Addresses(options.MetricsListen, Flag))
        {
            if (!string.Equals(address.Scheme, "http", StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException($"{Flag} '{address}': the metrics port serves plain HTTP (Prometheus scrapes it inside the cluster); use http://HOST:PORT, or an empty value to serve /metrics on the API port.");
            }
        }

        return true;
    }

    /// <summary>Binds the metrics address(es) and marks their connections.</summary>
    public static void Listen(KestrelServerOptions kestrel, RouterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ListenBinder.Bind(kestrel, options.MetricsListen!, Flag, endpoint => endpoint.Use(next => connection =>
        {
            connection.Items[ConnectionKey] = true;
            return next(connection);
        }));
    }

    /// <summary>Whether <paramref name="context"/> arrived on the metrics listener.</summary>
    public static bool IsMetricsConnection(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Features.Get<IConnectionItemsFeature>()?.Items.ContainsKey(ConnectionKey) == true;
    }
}
