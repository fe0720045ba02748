using System.Buffers;
using SlmFleet.Api.V1Alpha1;
using SlmFleet.Router.Buffers;
using SlmFleet.Router.OpenAi;

namespace SlmFleet.Router.Llm;

/// <summary>
/// Relays a request to the LLM and its answer to the client: the body is rewritten in one pass
/// (<see cref="LlmRequestRewriter"/>), a non-streamed answer is copied through a pooled buffer, a
/// streamed one is relayed as it arrives (flushed per read) while its last bytes are kept to find the
/// usage chunk.
/// </summary>
internal sealed class LlmForwarder(LlmClient client)
{
    private const int TailBytes = 8192;

    private static readonly byte[] StreamInterrupted =
        "data: {\"error\":{\"message\":\"The LLM stream ended before it was complete; the answer above is partial.\",\"type\":\"server_error\",\"param\":null,\"code\":\"llm_stream_interrupted\"}}\n\n"u8.ToArray();

    /// <exception cref="HttpRequestException">The endpoint could not be reached (after retries).</exception>
    public async Task<LlmForwardResult> ForwardAsync(HttpContext context, ParsedRequest request, ReadOnlyMemory<byte> body, LlmTargetSpec llm, bool keepContent, CancellationToken cancellationToken)
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
            return request.Stream && upstream.IsSuccessStatusCode
                ? await RelayStreamAsync(source, response, cancellationToken).ConfigureAwait(false)
                : await RelayWholeAsync(source, response, (int)upstream.StatusCode, upstream.Content.Headers.ContentLength, keepContent, cancellationToken).ConfigureAwait(false);
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

    private static async Task<LlmForwardResult> RelayWholeAsync(Stream source, HttpResponse response, int status, long? length, bool keepContent, CancellationToken cancellationToken)
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

        response.ContentLength = buffer.WrittenCount;
        await response.Body.WriteAsync(buffer.WrittenMemory, cancellationToken).ConfigureAwait(false);
        var hasUsage = UsageReader.TryRead(buffer.WrittenSpan, out var prompt, out var completion);
        // The answer text is only parsed out when a shadow comparison may need it.
        var content = keepContent && status < 400 && hasUsage ? LlmAnswerReader.Content(buffer.WrittenSpan) : null;
        return new LlmForwardResult(status, prompt, completion, content);
    }

    private static async Task<LlmForwardResult> RelayStreamAsync(Stream source, HttpResponse response, CancellationToken cancellationToken)
    {
        response.Headers.CacheControl = "no-cache";
        var chunk = ArrayPool<byte>.Shared.Rent(16384);
        var tail = ArrayPool<byte>.Shared.Rent(TailBytes);
        var tailLength = 0;
        try
        {
            try
            {
                int read;
                while ((read = await source.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    await response.Body.WriteAsync(chunk.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                    await response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
                    tailLength = KeepTail(tail, tailLength, chunk.AsSpan(0, read));
                }
            }
            catch (Exception ex) when (ex is IOException or HttpRequestException or OperationCanceledException
                && !response.HttpContext.RequestAborted.IsCancellationRequested)
            {
                // The LLM dropped the stream (or timed out) after the client got 200 and some chunks.
                tailLength = 0;
            }

            if (tail.AsSpan(0, tailLength).IndexOf("data: [DONE]"u8) < 0)
            {
                // Never end a cut stream like a complete one: the client gets an explicit error event instead of [DONE].
                await response.Body.WriteAsync(StreamInterrupted, response.HttpContext.RequestAborted).ConfigureAwait(false);
                return new LlmForwardResult(502, 0, 0, null);
            }

            var (prompt, completion) = UsageFromTail(tail.AsSpan(0, tailLength));
            return new LlmForwardResult(200, prompt, completion, null);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
            ArrayPool<byte>.Shared.Return(tail);
        }
    }

    private static int KeepTail(byte[] tail, int tailLength, ReadOnlySpan<byte> data)
    {
        if (data.Length >= TailBytes)
        {
            data[^TailBytes..].CopyTo(tail);
            return TailBytes;
        }

        var keep = Math.Min(tailLength, TailBytes - data.Length);
        tail.AsSpan(tailLength - keep, keep).CopyTo(tail);
        data.CopyTo(tail.AsSpan(keep));
        return keep + data.Length;
    }

    private static (int Prompt, int Completion) UsageFromTail(ReadOnlySpan<byte> tail)
    {
        // Events are "data: {json}\n\n"; the usage chunk is the last JSON event before [DONE].
        while (tail.Length > 0)
        {
            var start = tail.LastIndexOf("data: {"u8);
            if (start < 0)
            {
                break;
            }

            var line = tail[(start + 6)..];
            var end = line.IndexOf((byte)'\n');
            if (end > 0 && UsageReader.TryRead(line[..end], out var prompt, out var completion))
            {
                return (prompt, completion);
            }

            tail = tail[..start];
        }

        return (0, 0);
    }
}
