using System.Buffers;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using SlmFleet.Router.Llm;
using SlmFleet.Router.OpenAi;
using SlmFleet.Router.Schema;

namespace SlmFleet.Router.Hosting;

/// <summary>
/// Runs the router's request path in-process after start-up and then opens <c>/readyz</c>. The first
/// requests after a start took 200–265 ms (p99 of the first 8 s) against ~2 ms later: tier-0 JIT,
/// type loading and static initialisation (System.Text.Json's source-generated metadata, JsonSchema.Net's
/// meta-schemas, Kestrel's parser). Running those paths a few dozen times here moves that cost before the
/// readiness probe passes. Nothing here touches metrics, budgets, SLMs or the LLM.
/// </summary>
internal sealed class RouterWarmUp(ReadinessGate gate, IServer server, IHostApplicationLifetime lifetime, IHttpClientFactory clients, ILogger<RouterWarmUp> logger) : BackgroundService
{
    // Enough calls for the hot methods to be counted for tier-1 recompilation (30 calls by default).
    private const int Rounds = 40;

    private static readonly byte[] Chat = """{"model":"warm-up","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Is this spam? é ü 日本"}],"max_tokens":16,"temperature":0.2,"stream":true,"stream_options":{"include_usage":false},"metadata":{"task_type":"faq"},"response_format":{"type":"json_schema","json_schema":{"name":"v","schema":{"type":"object","properties":{"label":{"type":"string","enum":["spam","ham"]},"why":{"type":"string","format":"email"}},"required":["label"],"additionalProperties":false}}}}"""u8.ToArray();

    private static readonly byte[] Completion = """{"model":"warm-up","prompt":"Say hi","max_tokens":4,"stop":["\n"]}"""u8.ToArray();

    private static readonly byte[] Answer = """{"id":"c","object":"chat.completion","created":1,"model":"upstream","choices":[{"index":0,"message":{"role":"assistant","content":"{\"label\":\"spam\"}"},"finish_reason":"stop"}],"usage":{"prompt_tokens":12,"completion_tokens":3,"total_tokens":15}}"""u8.ToArray();

    private static readonly byte[] Stream = Encoding.UTF8.GetBytes(
        "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"model\":\"upstream\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"hi\"}}],\"usage\":null}\n\n"
        + "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"model\":\"upstream\",\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":1}}\n\ndata: [DONE]\n\n");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Off the start-up path: the host starts at once, /healthz answers, /readyz waits for this.
        await Task.Yield();
        var started = Stopwatch.GetTimestamp();
        try
        {
            await RunAsync(stoppingToken).ConfigureAwait(false);
            await SelfRequestAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A warm-up failure must not keep the router out of service: it only costs latency.
            WarmUpLog.WarmUpFailed(logger, ex);
        }

        gate.MarkReady();
        var elapsed = Stopwatch.GetElapsedTime(started);
        WarmUpLog.WarmedUp(logger, elapsed.TotalMilliseconds);
    }

    /// <summary>The in-process part: parsing, schema checks, LLM body rewriting and relaying, error bodies.</summary>
    internal static async Task RunAsync(CancellationToken cancellationToken)
    {
        var validator = new ResponseSchemaValidator();
        var output = new ArrayBufferWriter<byte>(4096);
        using var answer = JsonDocument.Parse("""{"label":"spam"}""");
        for (var round = 0; round < Rounds; round++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var (chat, _) = RequestParser.Parse(Chat, EndpointKind.ChatCompletions, round % 2 == 0 ? null : "spam,ham");
            _ = RequestParser.Parse(Completion, EndpointKind.Completions, null);
            _ = RequestParser.Parse("{\"model\":1"u8, EndpointKind.ChatCompletions, null);
            if (chat?.Schema is { } schema)
            {
                _ = validator.Validate(schema, answer.RootElement);
            }

            output.ResetWrittenCount();
            LlmRequestRewriter.Rewrite(Chat, "upstream-model", forceStream: false, streamValue: null, output);
            output.ResetWrittenCount();
            LlmRequestRewriter.Rewrite(Chat, "upstream-model", forceStream: true, streamValue: false, output);
            output.ResetWrittenCount();
            var relay = new SseRelay(LlmAnswerModel.QuotedAlias("warm-up"), relayUsageChunk: round % 2 == 0);
            relay.Finish(Stream.AsSpan(relay.Process(Stream, output)), output);
            if (AnswerInspector.TryInspect(Answer, out var shape))
            {
                output.ResetWrittenCount();
                LlmAnswerModel.WriteWithModel(Answer, shape, LlmAnswerModel.QuotedAlias("warm-up").Span, output);
            }

            _ = UsageReader.TryRead(Answer, out _, out _);
            _ = LlmAnswerReader.Content(Answer);
            _ = EmbeddingsRequestParser.Parse("""{"model":"warm-up","input":["a","b"],"encoding_format":"base64"}"""u8);
            var context = new DefaultHttpContext();
            context.Response.Body = System.IO.Stream.Null;
            await OpenAiErrors.WriteAsync(context, RequestError.Invalid("model", "warm-up")).ConfigureAwait(false);
            _ = JsonSerializer.SerializeToUtf8Bytes(new ModelListDto { Data = [new ModelDto { Id = "warm-up" }] }, RouterJsonContext.Default.ModelListDto);
        }
    }

    /// <summary>
    /// Requests to the router itself through the LLM's own HttpClient (its SocketsHttpHandler and
    /// resilience pipeline, which the first escalations would otherwise JIT) and through Kestrel
    /// (connection, HTTP parser, routing, middleware, request bodies): GETs of /healthz and POSTs of a
    /// JSON body to a path no endpoint serves (the fallback answers 404 and records nothing).
    /// </summary>
    private async Task SelfRequestAsync(CancellationToken cancellationToken)
    {
        if (!await WaitForStartAsync(cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        // Every plain-HTTP listener (the API's and, when separate, the metrics one): a request on the wrong one is only a 404.
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses.Where(a => a.StartsWith("http://", StringComparison.OrdinalIgnoreCase)).ToList() ?? [];
        foreach (var address in addresses)
        {
            await SelfRequestAsync(address, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task SelfRequestAsync(string address, CancellationToken cancellationToken)
    {
        var client = clients.CreateClient(LlmClient.HttpClientName);
        var root = new Uri(address.Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal).Replace("[::]", "127.0.0.1", StringComparison.Ordinal));
        var health = new Uri(root, "/healthz");
        var nowhere = new Uri(root, "/v1/slmfleet-warm-up");
        for (var i = 0; i < Rounds; i++)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            using (var response = await client.GetAsync(health, timeout.Token).ConfigureAwait(false))
            {
                await response.Content.ReadAsByteArrayAsync(timeout.Token).ConfigureAwait(false);
            }

            using var body = new ByteArrayContent(Chat);
            body.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            using (var response = await client.PostAsync(nowhere, body, timeout.Token).ConfigureAwait(false))
            {
                await response.Content.ReadAsByteArrayAsync(timeout.Token).ConfigureAwait(false);
            }
        }
    }

    private async Task<bool> WaitForStartAsync(CancellationToken cancellationToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var onStarted = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        using var onStopping = cancellationToken.Register(() => started.TrySetCanceled(cancellationToken));
        try
        {
            await started.Task.ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
