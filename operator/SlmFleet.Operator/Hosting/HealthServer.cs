using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Prometheus;
using SlmFleet.Operator.Runtime;

namespace SlmFleet.Operator.Hosting;

/// <summary>
/// A small Kestrel host, apart from any API port, serving:
/// <c>/healthz</c> (200 while the process runs), <c>/readyz</c> (200 when the manager is ready, else
/// 503 with the reason) and <c>/metrics</c> (Prometheus text from the runtime's registry).
/// </summary>
internal sealed class HealthServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private HealthServer(WebApplication app, string url)
    {
        _app = app;
        Url = url;
    }

    /// <summary>Base URL, e.g. <c>http://127.0.0.1:8081</c>.</summary>
    public string Url { get; }

    public static async Task<HealthServer> StartAsync(HealthServerOptions options, Func<bool> isReady, CollectorRegistry registry, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(options.Address, options.Port));
        var app = builder.Build();
        app.MapGet("/healthz", () => Results.Text("ok"));
        app.MapGet("/readyz", () => isReady() ? Results.Text("ok") : Results.Text("not ready: informers not synced or controllers not started", statusCode: 503));
        app.MapGet("/metrics", async (HttpContext context) =>
        {
            context.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
            await registry.CollectAndExportAsTextAsync(context.Response.Body, context.RequestAborted).ConfigureAwait(false);
        });
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? throw new InvalidOperationException("Kestrel did not report its address");
        RuntimeLog.HealthListening(logger, address);
        return new HealthServer(app, address);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
