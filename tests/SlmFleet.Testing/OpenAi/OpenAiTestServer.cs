using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SlmFleet.Testing.OpenAi;

/// <summary>
/// A local OpenAI-compatible LLM stand-in (Kestrel on 127.0.0.1, a free port): POST
/// <c>/v1/chat/completions</c> and <c>/v1/completions</c>, streamed (SSE) and not, and
/// <c>/v1/embeddings</c> (float or base64, <see cref="EmbeddingDimensions"/> values per input). Answers, latency,
/// injected failures (e.g. 429 or 500 for the next N requests) and usage are configurable; every
/// request is recorded. <see cref="StaticResponse"/> turns it into a fixed-bytes responder for benchmarks.
/// </summary>
public sealed class OpenAiTestServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private int _failuresLeft;
    private int _failureStatus;

    private OpenAiTestServer(WebApplication app) => _app = app;

    /// <summary>Base URL including <c>/v1</c>, e.g. <c>http://127.0.0.1:41234/v1</c>.</summary>
    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>Computes the answer text from the request body; default: <c>LLM answer</c>.</summary>
    public Func<JsonElement, string> Answer { get; set; } = _ => "LLM answer";

    /// <summary>Delay before answering.</summary>
    public TimeSpan Latency { get; set; }

    /// <summary>Usage reported for each answer.</summary>
    public int PromptTokens { get; set; } = 10;

    /// <summary>Usage reported for each answer.</summary>
    public int CompletionTokens { get; set; } = 5;

    /// <summary>Length of each embedding vector; value <c>i</c> of input <c>n</c> is <c>n + i / 100</c>.</summary>
    public int EmbeddingDimensions { get; set; } = 4;

    /// <summary>When set, every request gets exactly these bytes (application/json, 200) without parsing: the benchmark's fast upstream.</summary>
    public byte[]? StaticResponse { get; set; }

    /// <summary>Everything received, in order.</summary>
    public IReadOnlyCollection<RecordedRequest> Requests => _requests;

    /// <summary>Starts the server on a free loopback port.</summary>
    public static async Task<OpenAiTestServer> StartAsync(bool record = true)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.WebHost.ConfigureKestrel(k => k.AddServerHeader = false);
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new OpenAiTestServer(app);
        app.MapPost("/v1/chat/completions", context => server.HandleAsync(context, chat: true, record));
        app.MapPost("/v1/completions", context => server.HandleAsync(context, chat: false, record));
        app.MapPost("/v1/embeddings", context => server.HandleEmbeddingsAsync(context, record));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseUrl = new Uri(address.TrimEnd('/') + "/v1");
        return server;
    }

    /// <summary>The next <paramref name="count"/> requests get <paramref name="status"/> with an OpenAI error body.</summary>
    public void FailNext(int status, int count)
    {
        Volatile.Write(ref _failureStatus, status);
        Volatile.Write(ref _failuresLeft, count);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static string Chunk(string id, bool chat, string? content, string? finish, bool role) => chat
        ? JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["id"] = id,
            ["object"] = "chat.completion.chunk",
            ["created"] = 1_700_000_000,
            ["model"] = "stand-in",
            ["choices"] = new[] { new Dictionary<string, object?> { ["index"] = 0, ["delta"] = role ? new { role = "assistant", content } : content is null ? new { } : new { content }, ["finish_reason"] = finish } },
        })
        : JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["id"] = id,
            ["object"] = "text_completion",
            ["created"] = 1_700_000_000,
            ["model"] = "stand-in",
            ["choices"] = new[] { new Dictionary<string, object?> { ["index"] = 0, ["text"] = content ?? string.Empty, ["finish_reason"] = finish } },
        });

    private async Task HandleEmbeddingsAsync(HttpContext context, bool record)
    {
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync();
        if (record)
        {
            _requests.Enqueue(new RecordedRequest(context.Request.Path, context.Request.Headers.Authorization.ToString() is { Length: > 0 } a ? a : null, body));
        }

        if (Interlocked.Decrement(ref _failuresLeft) >= 0)
        {
            context.Response.StatusCode = Volatile.Read(ref _failureStatus);
            await context.Response.WriteAsJsonAsync(new { error = new { message = "injected failure", type = "server_error", param = (string?)null, code = "injected" } });
            return;
        }

        Interlocked.Exchange(ref _failuresLeft, 0);
        var json = JsonDocument.Parse(body).RootElement;
        var input = json.GetProperty("input");
        var count = input.ValueKind == JsonValueKind.Array && input[0].ValueKind != JsonValueKind.Number ? input.GetArrayLength() : 1;
        var base64 = json.TryGetProperty("encoding_format", out var format) && format.GetString() == "base64";
        var data = Enumerable.Range(0, count).Select(n =>
        {
            var vector = Enumerable.Range(0, EmbeddingDimensions).Select(i => n + (i / 100f)).ToArray();
            object embedding = base64 ? Convert.ToBase64String(System.Runtime.InteropServices.MemoryMarshal.AsBytes(vector.AsSpan())) : vector;
            return new { @object = "embedding", index = n, embedding };
        }).ToArray();
        await context.Response.WriteAsJsonAsync(new { @object = "list", data, model = "stand-in-embed", usage = new { prompt_tokens = PromptTokens, total_tokens = PromptTokens } });
    }

    private async Task HandleAsync(HttpContext context, bool chat, bool record)
    {
        if (StaticResponse is { } fixedBytes)
        {
            // Drain the body so keep-alive connections stay usable, then answer with fixed bytes.
            await context.Request.Body.CopyToAsync(Stream.Null);
            context.Response.ContentType = "application/json";
            context.Response.ContentLength = fixedBytes.Length;
            await context.Response.Body.WriteAsync(fixedBytes);
            return;
        }

        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync();
        if (record)
        {
            _requests.Enqueue(new RecordedRequest(context.Request.Path, context.Request.Headers.Authorization.ToString() is { Length: > 0 } a ? a : null, body));
        }

        if (Latency > TimeSpan.Zero)
        {
            await Task.Delay(Latency, context.RequestAborted);
        }

        if (Interlocked.Decrement(ref _failuresLeft) >= 0)
        {
            context.Response.StatusCode = Volatile.Read(ref _failureStatus);
            await context.Response.WriteAsJsonAsync(new { error = new { message = "injected failure", type = "server_error", param = (string?)null, code = "injected" } });
            return;
        }

        Interlocked.Exchange(ref _failuresLeft, 0);
        var json = JsonDocument.Parse(body).RootElement;
        var answer = Answer(json);
        var stream = json.TryGetProperty("stream", out var s) && s.ValueKind == JsonValueKind.True;
        var id = "cmpl-standin-" + Guid.NewGuid().ToString("N")[..8];
        var usage = new { prompt_tokens = PromptTokens, completion_tokens = CompletionTokens, total_tokens = PromptTokens + CompletionTokens };
        if (!stream)
        {
            object choice = chat
                ? new { index = 0, message = new { role = "assistant", content = answer }, finish_reason = "stop" }
                : new { index = 0, text = answer, finish_reason = "stop" };
            await context.Response.WriteAsJsonAsync(new { id, @object = chat ? "chat.completion" : "text_completion", created = 1_700_000_000, model = "stand-in", choices = new[] { choice }, usage });
            return;
        }

        context.Response.ContentType = "text/event-stream";
        async Task Send(string data)
        {
            await context.Response.WriteAsync("data: " + data + "\n\n");
            await context.Response.Body.FlushAsync();
        }

        if (chat)
        {
            await Send(Chunk(id, chat, string.Empty, null, role: true));
        }

        foreach (var word in answer.Split(' '))
        {
            await Send(Chunk(id, chat, word == answer.Split(' ')[0] ? word : " " + word, null, role: false));
        }

        await Send(Chunk(id, chat, null, "stop", role: false));
        if (json.TryGetProperty("stream_options", out var options) && options.TryGetProperty("include_usage", out var include) && include.ValueKind == JsonValueKind.True)
        {
            await Send(JsonSerializer.Serialize(new { id, @object = "chat.completion.chunk", created = 1_700_000_000, model = "stand-in", choices = Array.Empty<object>(), usage }));
        }

        await Send("[DONE]");
    }
}
