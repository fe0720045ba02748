using System.Net;

namespace SlmFleet.Operator.Hosting;

/// <summary>Where the health and metrics endpoints listen.</summary>
internal sealed class HealthServerOptions
{
    /// <summary>Bind address; loopback by default, <see cref="IPAddress.Any"/> in a pod.</summary>
    public IPAddress Address { get; init; } = IPAddress.Loopback;

    /// <summary>Port; 0 picks a free one (tests). The chart uses 8081.</summary>
    public int Port { get; init; } = 8081;
}
