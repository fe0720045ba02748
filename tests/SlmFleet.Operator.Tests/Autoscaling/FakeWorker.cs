using System.Buffers.Binary;
using System.Net;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SlmFleet.Inference.V1;

namespace SlmFleet.Operator.Tests.Autoscaling;

/// <summary>
/// A stand-in worker: a real gRPC server (HTTP/2 on 127.0.0.1, port 0) answering the Inference
/// service's <c>Stats</c> with numbers the test sets. The operator compiles the contract as a client
/// only, so this speaks gRPC's wire format directly (5-byte length prefix + protobuf, grpc-status
/// trailer) instead of deriving from a generated service base; the operator's real gRPC client reads it.
/// </summary>
internal sealed class FakeWorker : IAsyncDisposable
{
    private readonly WebApplication _app;
    private volatile StatsResponse _stats = new() { Utilization = 0, Warm = true, WindowSeconds = 30 };
    private volatile bool _down;
    private long _calls;

    private FakeWorker(WebApplication app)
    {
        _app = app;
    }

    public Uri Address { get; private set; } = null!;

    /// <summary>Stats calls answered (successfully or not).</summary>
    public long Calls => Interlocked.Read(ref _calls);

    public static async Task<FakeWorker> StartAsync(double utilization = 0, int queueDepth = 0, double tokensPerSecond = 0)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, o => o.Protocols = HttpProtocols.Http2));
        var app = builder.Build();
        var worker = new FakeWorker(app);
        worker.Report(utilization, queueDepth, tokensPerSecond);
        app.MapPost("/slmfleet.inference.v1.Inference/Stats", worker.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        worker.Address = new Uri(address);
        return worker;
    }

    /// <summary>Sets what the next Stats calls answer.</summary>
    public void Report(double utilization, int queueDepth = 0, double tokensPerSecond = 0) =>
        _stats = new StatsResponse { Utilization = utilization, QueueDepth = queueDepth, TokensPerSecond = tokensPerSecond, Warm = true, WindowSeconds = 30 };

    /// <summary>While down, Stats answers UNAVAILABLE (a worker whose engine is wedged or restarting).</summary>
    public void SetDown(bool down) => _down = down;

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        Interlocked.Increment(ref _calls);
        await context.Request.Body.CopyToAsync(Stream.Null);
        context.Response.ContentType = "application/grpc";
        if (_down)
        {
            context.Response.AppendTrailer("grpc-status", "14");
            context.Response.AppendTrailer("grpc-message", "worker down");
            return;
        }

        var payload = _stats.ToByteArray();
        var frame = new byte[5 + payload.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1, 4), (uint)payload.Length);
        payload.CopyTo(frame, 5);
        await context.Response.Body.WriteAsync(frame);
        context.Response.AppendTrailer("grpc-status", "0");
    }
}
