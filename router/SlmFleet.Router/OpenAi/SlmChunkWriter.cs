using System.Text.Json;
using SlmFleet.Inference.V1;

namespace SlmFleet.Router.OpenAi;

/// <summary>
/// Writes an SLM answer as OpenAI's server-sent events, chunk by chunk as the worker produces it:
/// a role chunk per choice, content deltas (with log-probabilities when asked), each choice's finish
/// chunk, the usage chunk when <c>stream_options.include_usage</c> asked for it, then <c>[DONE]</c>.
/// Every event is flushed when written, so a token reaches the client as soon as the worker sends it.
/// </summary>
internal sealed class SlmChunkWriter
{
    private static readonly byte[] DataPrefix = "data: "u8.ToArray();
    private static readonly byte[] EventEnd = "\n\n"u8.ToArray();
    private static readonly byte[] Done = "data: [DONE]\n\n"u8.ToArray();
    private static readonly byte[] Interrupted =
        "data: {\"error\":{\"message\":\"The SLM stream ended before it was complete; the answer above is partial.\",\"type\":\"server_error\",\"param\":null,\"code\":\"slm_stream_interrupted\"}}\n\n"u8.ToArray();

    private readonly HttpContext _context;
    private readonly ParsedRequest _request;
    private readonly ChatCompletionResponse _chunk;
    private readonly bool _chat;
    private int[] _textOffsets = [];

    public SlmChunkWriter(HttpContext context, ParsedRequest request, string id, long created)
    {
        _context = context;
        _request = request;
        _chat = request.Kind == EndpointKind.ChatCompletions;
        _chunk = new ChatCompletionResponse { Id = id, Object = _chat ? "chat.completion.chunk" : "text_completion", Created = created, Model = request.Model };
    }

    private CancellationToken Aborted => _context.RequestAborted;

    /// <summary>Sends the headers and, for chat, each choice's role chunk.</summary>
    public async Task StartAsync(int choices)
    {
        _textOffsets = new int[choices];
        var response = _context.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        if (_chat)
        {
            for (var i = 0; i < choices; i++)
            {
                _chunk.Choices = [new ChoiceDto { Index = i, Delta = new AssistantMessageDto { Role = "assistant", Content = string.Empty } }];
                await WriteEventAsync().ConfigureAwait(false);
            }
        }

        await response.Body.FlushAsync(Aborted).ConfigureAwait(false);
    }

    /// <summary>One worker message of choice <paramref name="index"/>: its text and tokens, and its finish reason if it is the last.</summary>
    public Task WriteAsync(int index, GenerateResponse message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var finish = message.FinishReason.Length > 0 ? SlmAnswerWriter.FinishReason(message.FinishReason) : null;
        return WriteTextAsync(index, message.Delta, message.Logprobs, finish);
    }

    /// <summary>Text (and its tokens' log-probabilities) for one choice; a finish reason ends the choice with its own chunk.</summary>
    public async Task WriteTextAsync(int index, string text, IReadOnlyList<TokenLogprob>? tokens, string? finishReason)
    {
        var logprobs = _request.Needs.Logprobs && tokens is { Count: > 0 } ? SlmAnswerWriter.Logprobs(_request, tokens, _textOffsets[index]) : null;
        if (text.Length > 0 || logprobs is not null)
        {
            _chunk.Choices = [_chat
                ? new ChoiceDto { Index = index, Delta = new AssistantMessageDto { Content = text }, Logprobs = logprobs }
                : new ChoiceDto { Index = index, Text = text, Logprobs = logprobs }];
            await WriteEventAsync().ConfigureAwait(false);
            _textOffsets[index] += text.Length;
        }

        if (finishReason is not null)
        {
            _chunk.Choices = [_chat
                ? new ChoiceDto { Index = index, Delta = new AssistantMessageDto(), FinishReason = finishReason }
                : new ChoiceDto { Index = index, Text = string.Empty, FinishReason = finishReason }];
            await WriteEventAsync().ConfigureAwait(false);
        }

        await _context.Response.Body.FlushAsync(Aborted).ConfigureAwait(false);
    }

    /// <summary>The usage chunk (only when the client asked for it) and <c>[DONE]</c>.</summary>
    public async Task EndAsync(UsageDto usage)
    {
        if (_request.IncludeUsage)
        {
            _chunk.Choices = [];
            _chunk.Usage = usage;
            await WriteEventAsync().ConfigureAwait(false);
            _chunk.Usage = null;
        }

        await _context.Response.Body.WriteAsync(Done, Aborted).ConfigureAwait(false);
        await _context.Response.Body.FlushAsync(Aborted).ConfigureAwait(false);
    }

    /// <summary>
    /// Ends a stream the worker broke after it was committed: an explicit error event and no
    /// <c>[DONE]</c>, so no client takes the partial answer for a complete one.
    /// </summary>
    public async Task InterruptAsync()
    {
        await _context.Response.Body.WriteAsync(Interrupted, Aborted).ConfigureAwait(false);
        await _context.Response.Body.FlushAsync(Aborted).ConfigureAwait(false);
    }

    private async Task WriteEventAsync()
    {
        var body = _context.Response.Body;
        await body.WriteAsync(DataPrefix, Aborted).ConfigureAwait(false);
        await JsonSerializer.SerializeAsync(body, _chunk, RouterJsonContext.Default.ChatCompletionResponse, Aborted).ConfigureAwait(false);
        await body.WriteAsync(EventEnd, Aborted).ConfigureAwait(false);
    }
}
