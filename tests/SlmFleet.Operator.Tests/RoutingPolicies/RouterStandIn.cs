using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SlmFleet.Operator.Tests.RoutingPolicies;

/// <summary>A Kestrel on 127.0.0.1 serving a fixed Prometheus page at /metrics, as a router would.</summary>
internal sealed class RouterStandIn : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _requests;

    private RouterStandIn(WebApplication app) => _app = app;

    public int Port { get; private set; }

    public int Requests => Volatile.Read(ref _requests);

    public Uri MetricsUrl => new($"http://127.0.0.1:{Port}/metrics");

    public static async Task<RouterStandIn> StartAsync(string page)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var standIn = new RouterStandIn(app);
        app.MapGet("/metrics", () =>
        {
            Interlocked.Increment(ref standIn._requests);
            return Results.Text(page, "text/plain; version=0.0.4");
        });
        await app.StartAsync();
        standIn.Port = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()).Port;
        return standIn;
    }

    /// <summary>A loopback port nothing listens on.</summary>
    public static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
