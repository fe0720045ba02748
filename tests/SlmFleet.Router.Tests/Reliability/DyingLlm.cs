using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;

namespace SlmFleet.Router.Tests.Reliability;

/// <summary>An OpenAI-compatible LLM stand-in whose streamed answers stop after two chunks: the connection is reset, or (with <see cref="EndCleanly"/>) closed without <c>[DONE]</c>.</summary>
public sealed class DyingLlm : IAsyncDisposable
{
    private readonly WebApplication _app;

    private DyingLlm(WebApplication app)
    {
        _app = app;
        BaseUrl = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/v1/");
    }

    public Uri BaseUrl { get; }

    /// <summary>End the stream normally (no reset) but before the last chunk and <c>[DONE]</c>.</summary>
    public bool EndCleanly { get; set; }

    public static async Task<DyingLlm> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        DyingLlm? self = null;
        app.MapPost("/v1/chat/completions", async context =>
        {
            context.Response.ContentType = "text/event-stream";
            for (var i = 0; i < 2; i++)
            {
                await context.Response.WriteAsync($"data: {{\"id\":\"x\",\"object\":\"chat.completion.chunk\",\"choices\":[{{\"index\":0,\"delta\":{{\"content\":\"part{i} \"}}}}]}}\n\n");
                await context.Response.Body.FlushAsync();
            }

            if (!self!.EndCleanly)
            {
                // Let the router relay the status and both chunks before the reset, so the cut lands mid-relay.
                await Task.Delay(300);
                context.Abort();
            }
        });
        await app.StartAsync();
        self = new DyingLlm(app);
        return self;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
