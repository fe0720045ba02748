using SlmFleet.Api.V1Alpha1;
using SlmFleet.Router.Buffers;
using SlmFleet.Router.OpenAi;

namespace SlmFleet.Router.Llm;

/// <summary>
/// Relays a request to the LLM and its answer to the client: the body is rewritten in one pass
/// (<see cref="LlmRequestRewriter"/>), a non-streamed answer is copied through a pooled buffer, a
/// streamed one is relayed event by event as it arrives (<see cref="SseRelay"/>, flushed per read).
/// Either way the answer's <c>model</c> becomes the alias the client sent and usage is read for spend.
/// <para>
/// Usage is handed to the caller's <c>countUsage</c> before the answer's last bytes are flushed (exactly once per
/// call), so a client that sends its next request the moment it has read this answer is already held against a
/// budget that includes it.
/// </para>
/// </summary>
internal sealed class LlmForwarder(LlmClient client)
{
    private static readonly byte[] StreamInterrupted =
        "data: {\"error\":{\"message\":\"The LLM stream ended before it was complete; the answer above is partial.\",\"type\":\"server_error\",\"param\":null,\"code\":\"llm_stream_interrupted\"}}\n\n"u8.ToArray();

    /// <exception cref="HttpRequestException">The endpoint could not be reached (after retries).</exception>
    public async Task<LlmForwardResult> ForwardAsync(
        HttpContext context, ParsedRequest request, ReadOnlyMemory<byte> body, LlmTargetSpec llm, bool keepContent, Action<int, int> countUsage, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(llm);
        using var rewritten = new PooledBufferWriter(body.Length + 256);
        LlmRequestRewriter.Rewrite(body.Span, llm.Model, forceStream: false, streamValue: null, rewritten);
        var path = request.Kind == EndpointKind.ChatCompletions ? "chat/completions" : "completions";
        using var upstream = await client.SendAsync(llm, path, rewritten.WrittenMemory, cancellationToken).ConfigureAwait(false);

        var response = context.Response;
        response.StatusCode = (int)upstream.StatusCode;
        response.ContentType = upstream.Content.Headers.ContentType?.ToString() ?? "application/json";
        var source = await upstream.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (source.ConfigureAwait(false))
        {
            var alias = LlmAnswerModel.QuotedAlias(request.Model);
            return request.Stream && upstream.IsSuccessStatusCode
                ? await RelayStreamAsync(source, response, new SseRelay(alias, request.IncludeUsage), countUsage, cancellationToken).ConfigureAwait(false)
                : await RelayWholeAsync(source, response, (int)upstream.StatusCode, upstream.Content.Headers.ContentLength, keepContent, alias, countUsage, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Forwards <c>POST /v1/embeddings</c> to <paramref name="embeddingsModel"/> at the policy's endpoint and
    /// relays the answer with <paramref name="alias"/> as its <c>model</c>; usage is read for spend.
    /// </summary>
    /// <exception cref="HttpRequestException">The endpoint could not be reached (after retries).</exception>
    public async Task<LlmForwardResult> ForwardEmbeddingsAsync(
        HttpContext context, string alias, ReadOnlyMemory<byte> body, LlmTargetSpec llm, string embeddingsModel, Action<int, int> countUsage, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(llm);
        using var rewritten = new PooledBufferWriter(body.Length + 256);
        LlmRequestRewriter.Rewrite(body.Span, embeddingsModel, forceStream: false, streamValue: null, rewritten);
        using var upstream = await client.SendAsync(llm, "embeddings", rewritten.WrittenMemory, cancellationToken).ConfigureAwait(false);
        var response = context.Response;
        response.StatusCode = (int)upstream.StatusCode;
        response.ContentType = upstream.Content.Headers.ContentType?.ToString() ?? "application/json";
        var source = await upstream.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (source.ConfigureAwait(false))
        {
            return await RelayWholeAsync(source, response, (int)upstream.StatusCode, upstream.Content.Headers.ContentLength, keepContent: false, LlmAnswerModel.QuotedAlias(alias), countUsage, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>A non-streamed call whose answer stays in the router (shadow copies, judging).</summary>
    public async Task<LlmForwardResult> CallAsync(ReadOnlyMemory<byte> body, string path, LlmTargetSpec llm, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(llm);
        using var rewritten = new PooledBufferWriter(body.Length + 256);
        LlmRequestRewriter.Rewrite(body.Span, llm.Model, forceStream: true, streamValue: false, rewritten);
        using var upstream = await client.SendAsync(llm, path, rewritten.WrittenMemory, cancellationToken).ConfigureAwait(false);
        var bytes = await upstream.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        UsageReader.TryRead(bytes, out var prompt, out var completion);
        return new LlmForwardResult((int)upstream.StatusCode, prompt, completion, upstream.IsSuccessStatusCode ? LlmAnswerReader.Content(bytes) : null);
    }

    private static async Task<LlmForwardResult> RelayWholeAsync(
        Stream source, HttpResponse response, int status, long? length, bool keepContent, ReadOnlyMemory<byte> quotedAlias, Action<int, int> countUsage, CancellationToken cancellationToken)
    {
        using var buffer = new PooledBufferWriter((int)Math.Clamp(length ?? 4096, 256, 1 << 20));
        while (true)
        {
            var read = await source.ReadAsync(buffer.GetMemory(4096), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }

            buffer.Advance(read);
        }

        // An error body (or anything that is not a JSON object) is relayed byte for byte.
        if (status >= 400 || !AnswerInspector.TryInspect(buffer.WrittenSpan, out var shape))
        {
            UsageReader.TryRead(buffer.WrittenSpan, out var errorPrompt, out var errorCompletion);
            countUsage(errorPrompt, errorCompletion);
            response.ContentLength = buffer.WrittenCount;
            await response.Body.WriteAsync(buffer.WrittenMemory, cancellationToken).ConfigureAwait(false);
            return new LlmForwardResult(status, errorPrompt, errorCompletion, null);
        }

        countUsage(shape.PromptTokens, shape.CompletionTokens);
        response.ContentLength = LlmAnswerModel.RewrittenLength(buffer.WrittenCount, shape, quotedAlias.Length);
        LlmAnswerModel.WriteWithModel(buffer.WrittenSpan, shape, quotedAlias.Span, response.BodyWriter);
        await response.BodyWriter.FlushAsync(cancellationToken).ConfigureAwait(false);
        // The answer text is only parsed out when a shadow comparison may need it.
        var content = keepContent && shape.HasUsage ? LlmAnswerReader.Content(buffer.WrittenSpan) : null;
        return new LlmForwardResult(status, shape.PromptTokens, shape.CompletionTokens, content);
    }

    private static async Task<LlmForwardResult> RelayStreamAsync(Stream source, HttpResponse response, SseRelay relay, Action<int, int> countUsage, CancellationToken cancellationToken)
    {
        response.Headers.CacheControl = "no-cache";
        var counted = false;
        void CountOnceDone()
        {
            // [DONE] (after the usage chunk) sits unflushed in the output: count before the client can see the end.
            if (relay.SawDone && !counted)
            {
                counted = true;
                countUsage(relay.PromptTokens, relay.CompletionTokens);
            }
        }

        using var pending = new PooledBufferWriter(16384);
        var output = response.BodyWriter;
        try
        {
            int read;
            while ((read = await source.ReadAsync(pending.GetMemory(8192), cancellationToken).ConfigureAwait(false)) > 0)
            {
                pending.Advance(read);
                pending.DiscardFront(relay.Process(pending.WrittenSpan, output));
                CountOnceDone();
                // One flush per upstream read: every event that arrived complete goes out now.
                await output.FlushAsync(cancellationToken).ConfigureAwait(false);
            }

            relay.Finish(pending.WrittenSpan, output);
            CountOnceDone();
            await output.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException or OperationCanceledException
            && !response.HttpContext.RequestAborted.IsCancellationRequested)
        {
            // The LLM dropped the stream (or timed out) after the client got 200 and some chunks; a partial event is dropped.
        }

        if (!counted)
        {
            // A cut stream is still billed for what the LLM reported before it ended.
            countUsage(relay.PromptTokens, relay.CompletionTokens);
        }

        if (!relay.SawDone)
        {
            // Never end a cut stream like a complete one: the client gets an explicit error event instead of [DONE].
            await response.Body.WriteAsync(StreamInterrupted, response.HttpContext.RequestAborted).ConfigureAwait(false);
            return new LlmForwardResult(502, relay.PromptTokens, relay.CompletionTokens, null);
        }

        return new LlmForwardResult(200, relay.PromptTokens, relay.CompletionTokens, null);
    }
}
