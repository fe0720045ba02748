using System.Buffers;

namespace SlmFleet.Router.Llm;

/// <summary>
/// Re-frames an LLM's server-sent event stream event by event on its way to the client: each
/// <c>data: {json}</c> chunk gets the client's alias as its <c>model</c>; the usage chunk (<c>choices: []</c>
/// plus <c>usage</c>), which the router always asks for, is read for spend and dropped unless the client
/// asked for it; everything else (comments, <c>[DONE]</c>, multi-line events, non-JSON data) passes
/// through unchanged.
/// </summary>
/// <remarks>
/// <see cref="Process"/> gets whatever bytes arrived so far and hands back how many it consumed: complete
/// events only, so an event split across reads waits for its end. The caller flushes after each read,
/// which keeps each event as prompt as the upstream made it.
/// <code>
///   upstream read ──► pending ──► [event][event][part…] ──► Process ──► output (flushed) ; part… stays pending
/// </code>
/// </remarks>
internal sealed class SseRelay(ReadOnlyMemory<byte> quotedAlias, bool relayUsageChunk)
{
    public bool SawDone { get; private set; }

    /// <summary>Usage from the last chunk that carried a usage object (providers that report usage per chunk are counted once, at their last figure).</summary>
    public int PromptTokens { get; private set; }

    public int CompletionTokens { get; private set; }

    /// <summary>Writes every complete event in <paramref name="data"/> to <paramref name="output"/>; returns the bytes consumed.</summary>
    public int Process(ReadOnlySpan<byte> data, IBufferWriter<byte> output)
    {
        var consumed = 0;
        while (true)
        {
            var rest = data[consumed..];
            var (bodyLength, terminatorLength) = NextEvent(rest);
            if (bodyLength < 0)
            {
                return consumed;
            }

            WriteEvent(rest[..bodyLength], rest.Slice(bodyLength, terminatorLength), output);
            consumed += bodyLength + terminatorLength;
        }
    }

    /// <summary>At the end of the stream: what is left is the last event even without its blank line (some servers end on <c>data: [DONE]\n</c>).</summary>
    public void Finish(ReadOnlySpan<byte> rest, IBufferWriter<byte> output)
    {
        if (rest.IsEmpty)
        {
            return;
        }

        var body = rest.TrimEnd("\r\n"u8);
        WriteEvent(body, rest[body.Length..], output);
    }

    /// <summary>Length of the first event's text and of the blank line that ends it; (-1, 0) when no event is complete yet.</summary>
    internal static (int Body, int Terminator) NextEvent(ReadOnlySpan<byte> data)
    {
        var lf = data.IndexOf("\n\n"u8);
        var crlf = data.IndexOf("\r\n\r\n"u8);
        return (lf, crlf) switch
        {
            (< 0, < 0) => (-1, 0),
            (>= 0, < 0) => (lf, 2),
            (< 0, >= 0) => (crlf, 4),
            _ => lf < crlf ? (lf, 2) : (crlf, 4),
        };
    }

    private void WriteEvent(ReadOnlySpan<byte> body, ReadOnlySpan<byte> terminator, IBufferWriter<byte> output)
    {
        if (!body.StartsWith("data:"u8) || body.IndexOfAny((byte)'\n', (byte)'\r') >= 0)
        {
            Write(output, body, terminator);
            return;
        }

        var prefixLength = body.Length > 5 && body[5] == (byte)' ' ? 6 : 5;
        var payload = body[prefixLength..];
        if (payload.SequenceEqual("[DONE]"u8))
        {
            SawDone = true;
            Write(output, body, terminator);
            return;
        }

        if (payload.IsEmpty || payload[0] != (byte)'{' || !AnswerInspector.TryInspect(payload, out var shape))
        {
            Write(output, body, terminator);
            return;
        }

        if (shape.HasUsage)
        {
            PromptTokens = shape.PromptTokens;
            CompletionTokens = shape.CompletionTokens;
        }

        if (shape.IsUsageChunk && !relayUsageChunk)
        {
            return;
        }

        output.Write(body[..prefixLength]);
        LlmAnswerModel.WriteWithModel(payload, shape, quotedAlias.Span, output);
        output.Write(terminator);
    }

    private static void Write(IBufferWriter<byte> output, ReadOnlySpan<byte> body, ReadOnlySpan<byte> terminator)
    {
        output.Write(body);
        output.Write(terminator);
    }
}
