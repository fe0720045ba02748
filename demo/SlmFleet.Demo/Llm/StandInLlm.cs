using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace SlmFleet.Demo.Llm;

/// <summary>
/// A local OpenAI-compatible endpoint that plays the frontier LLM for <c>make run</c>, so the demo
/// never calls an external API: <c>POST /v1/chat/completions</c> and <c>/v1/completions</c>, streamed
/// (SSE, with the usage chunk when asked) and not, and <c>GET /v1/models</c>. Answers come from
/// <see cref="StandInAnswer"/>; usage is estimated so the router can price escalations; a fixed
/// latency plus a per-token delay makes its timings look like a hosted API's rather than a loopback's.
/// </summary>
internal sealed class StandInLlm : IAsyncDisposable
{
    private const string ModelName = "gpt-4o";
    private readonly WebApplication _app;
    private readonly TimeSpan _latency;
    private readonly TimeSpan _perToken;
    private int _requests;

    private StandInLlm(WebApplication app, TimeSpan latency, TimeSpan perToken)
    {
        _app = app;
        _latency = latency;
        _perToken = perToken;
    }

    /// <summary>Base URL including <c>/v1</c>, e.g. <c>http://127.0.0.1:8089/v1</c>.</summary>
    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>Requests answered so far.</summary>
    public int Requests => Volatile.Read(ref _requests);

    /// <summary>Starts listening on <paramref name="listenUrl"/> (port 0 picks a free one).</summary>
    /// <param name="listenUrl">E.g. <c>http://127.0.0.1:8089</c>.</param>
    /// <param name="latency">Time before the first byte of each answer.</param>
    /// <param name="perToken">Time per streamed word (and per output token of a whole answer).</param>
    public static async Task<StandInLlm> StartAsync(string listenUrl, TimeSpan latency, TimeSpan perToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(listenUrl);
        builder.WebHost.ConfigureKestrel(k => k.AddServerHeader = false);
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new StandInLlm(app, latency, perToken);
        app.MapPost("/v1/chat/completions", context => server.AnswerAsync(context, chat: true));
        app.MapPost("/v1/completions", context => server.AnswerAsync(context, chat: false));
        app.MapGet("/v1/models", () => Results.Json(new { @object = "list", data = new[] { new { id = ModelName, @object = "model", created = 0, owned_by = "slm-fleet-demo" } } }));
        await app.StartAsync().ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseUrl = new Uri(address.TrimEnd('/') + "/v1");
        return server;
    }

    public Task WaitForShutdownAsync(CancellationToken cancellationToken) => _app.WaitForShutdownAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private async Task AnswerAsync(HttpContext context, bool chat)
    {
        Interlocked.Increment(ref _requests);
        JsonElement body;
        try
        {
            body = (await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted).ConfigureAwait(false)).RootElement;
        }
        catch (JsonException ex)
        {
            context.Response.StatusCode = 400;
            await context.Response.WriteAsJsonAsync(new { error = new { message = $"The body is not JSON: {ex.Message}", type = "invalid_request_error", param = (string?)null, code = (string?)null } }).ConfigureAwait(false);
            return;
        }

        var answer = StandInAnswer.For(body, chat);
        var id = (chat ? "chatcmpl-standin-" : "cmpl-standin-") + Guid.NewGuid().ToString("N")[..12];
        var usage = new JsonObject { ["prompt_tokens"] = answer.PromptTokens, ["completion_tokens"] = answer.CompletionTokens, ["total_tokens"] = answer.PromptTokens + answer.CompletionTokens };
        await Task.Delay(_latency, context.RequestAborted).ConfigureAwait(false);
        if (body.TryGetProperty("stream", out var stream) && stream.ValueKind == JsonValueKind.True)
        {
            var includeUsage = body.TryGetProperty("stream_options", out var options) && options.TryGetProperty("include_usage", out var include) && include.ValueKind == JsonValueKind.True;
            await StreamAsync(context, chat, id, answer, includeUsage ? usage : null).ConfigureAwait(false);
            return;
        }

        await Task.Delay(_perToken * answer.CompletionTokens, context.RequestAborted).ConfigureAwait(false);
        var choice = chat
            ? new JsonObject { ["index"] = 0, ["message"] = Message(answer), ["finish_reason"] = answer.FinishReason }
            : new JsonObject { ["index"] = 0, ["text"] = answer.Content, ["finish_reason"] = answer.FinishReason };
        var response = new JsonObject
        {
            ["id"] = id,
            ["object"] = chat ? "chat.completion" : "text_completion",
            ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            ["model"] = ModelName,
            ["choices"] = new JsonArray(choice),
            ["usage"] = usage,
        };
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(response.ToJsonString(), context.RequestAborted).ConfigureAwait(false);
    }

    private static JsonObject Message(StandInAnswer answer)
    {
        var message = new JsonObject { ["role"] = "assistant", ["content"] = answer.Content };
        if (answer.ToolName is not null)
        {
            message["tool_calls"] = new JsonArray(ToolCall(answer, withIndex: false));
        }

        return message;
    }

    private static JsonObject ToolCall(StandInAnswer answer, bool withIndex)
    {
        var call = new JsonObject { ["id"] = "call_standin_1", ["type"] = "function", ["function"] = new JsonObject { ["name"] = answer.ToolName, ["arguments"] = answer.ToolArguments } };
        if (withIndex)
        {
            call["index"] = 0;
        }

        return call;
    }

    /// <summary>SSE as OpenAI sends it: a role chunk, content word by word (or one tool-call chunk), the finish chunk, the usage chunk when asked, [DONE].</summary>
    private async Task StreamAsync(HttpContext context, bool chat, string id, StandInAnswer answer, JsonObject? usage)
    {
        context.Response.ContentType = "text/event-stream";
        var created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        async Task SendAsync(JsonNode? delta, string? finish, JsonObject? chunkUsage = null)
        {
            var choices = new JsonArray();
            if (delta is not null || finish is not null)
            {
                choices.Add(chat
                    ? new JsonObject { ["index"] = 0, ["delta"] = delta ?? new JsonObject(), ["finish_reason"] = finish }
                    : new JsonObject { ["index"] = 0, ["text"] = delta?["content"]?.GetValue<string>() ?? string.Empty, ["finish_reason"] = finish });
            }

            var chunk = new JsonObject { ["id"] = id, ["object"] = chat ? "chat.completion.chunk" : "text_completion", ["created"] = created, ["model"] = ModelName, ["choices"] = choices };
            if (chunkUsage is not null)
            {
                chunk["usage"] = chunkUsage.DeepClone();
            }

            await context.Response.WriteAsync("data: " + chunk.ToJsonString() + "\n\n", context.RequestAborted).ConfigureAwait(false);
            await context.Response.Body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
        }

        if (chat)
        {
            await SendAsync(new JsonObject { ["role"] = "assistant", ["content"] = answer.ToolName is null ? string.Empty : null }, null).ConfigureAwait(false);
        }

        if (answer.ToolName is not null)
        {
            await SendAsync(new JsonObject { ["tool_calls"] = new JsonArray(ToolCall(answer, withIndex: true)) }, null).ConfigureAwait(false);
        }
        else
        {
            var words = (answer.Content ?? string.Empty).Split(' ');
            for (var i = 0; i < words.Length; i++)
            {
                await Task.Delay(_perToken, context.RequestAborted).ConfigureAwait(false);
                await SendAsync(new JsonObject { ["content"] = i == 0 ? words[i] : " " + words[i] }, null).ConfigureAwait(false);
            }
        }

        await SendAsync(null, answer.FinishReason).ConfigureAwait(false);
        if (usage is not null)
        {
            await SendAsync(null, null, usage).ConfigureAwait(false);
        }

        await context.Response.WriteAsync("data: [DONE]\n\n", context.RequestAborted).ConfigureAwait(false);
    }
}
