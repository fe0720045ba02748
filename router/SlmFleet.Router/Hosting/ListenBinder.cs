using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace SlmFleet.Router.Hosting;

/// <summary>
/// Binds listen addresses (<c>--listen</c>, <c>--metrics-listen</c>: one or more URLs separated by
/// <c>;</c>) to Kestrel explicitly. Explicit binding is needed as soon as there are two listeners (or
/// TLS): Kestrel ignores UseUrls once any endpoint is configured in code.
/// </summary>
internal static class ListenBinder
{
    /// <summary>Binds every address in <paramref name="listen"/>; <paramref name="configure"/> runs on each endpoint (TLS, connection tagging).</summary>
    /// <exception cref="FormatException">An address is not a URL like http://0.0.0.0:8080.</exception>
    public static void Bind(KestrelServerOptions kestrel, string listen, string flag, Action<ListenOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(kestrel);
        ArgumentNullException.ThrowIfNull(configure);
        foreach (var address in Addresses(listen, flag))
        {
            var host = address.Host.Trim('[', ']');
            if (address.IsUnixPipe)
            {
                kestrel.ListenUnixSocket(address.UnixPipePath, configure);
            }
            else if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
            {
                kestrel.ListenLocalhost(address.Port, configure);
            }
            else if (IPAddress.TryParse(host, out var ip))
            {
                kestrel.Listen(ip, address.Port, configure);
            }
            else
            {
                // "*", "+" or a host name: Kestrel binds those to every interface as well.
                kestrel.ListenAnyIP(address.Port, configure);
            }
        }
    }

    /// <summary>Parses <paramref name="listen"/>; <paramref name="flag"/> names the option in errors.</summary>
    /// <exception cref="FormatException">An address is not a URL like http://0.0.0.0:8080.</exception>
    public static IEnumerable<BindingAddress> Addresses(string listen, string flag)
    {
        ArgumentNullException.ThrowIfNull(listen);
        foreach (var url in listen.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            BindingAddress address;
            try
            {
                address = BindingAddress.Parse(url);
            }
            catch (FormatException ex)
            {
                throw new FormatException($"{flag} '{url}' is not an address like https://0.0.0.0:8443 or http://127.0.0.1:8080: {ex.Message}", ex);
            }

            yield return address;
        }
    }
}
