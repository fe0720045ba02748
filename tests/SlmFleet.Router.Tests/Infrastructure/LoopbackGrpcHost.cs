using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace SlmFleet.Router.Tests.Infrastructure;

/// <summary>Hosts a gRPC service (a worker stand-in) over h2c on a free loopback port.</summary>
internal static class LoopbackGrpcHost
{
    /// <summary>Starts <typeparamref name="TService"/>; <paramref name="register"/> adds what it is constructed from.</summary>
    public static async Task<(WebApplication App, Uri Address)> StartAsync<TService>(Action<IServiceCollection> register)
        where TService : class
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();
        register(builder.Services);
        var app = builder.Build();
        app.MapGrpcService<TService>();
        await app.StartAsync();
        return (app, new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()));
    }
}
