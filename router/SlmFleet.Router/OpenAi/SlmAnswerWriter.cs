using System.Text.Json;
using SlmFleet.Router.Slm;

namespace SlmFleet.Router.OpenAi;

/// <summary>Writes an SLM answer to the client as an OpenAI completion, or as an SSE stream of chunks.</summary>
internal static class SlmAnswerWriter
{
    private static readonly byte[] DataPrefix = "data: "u8.ToArray();
    private static readonly byte[] EventEnd = "\n\n"u8.ToArray();
    private static readonly byte[] Done = "data: [DONE]\n\n"u8.ToArray();

    /// <summary>The client-visible content: classification labels are shaped to match the requested format.</summary>
    public static string Content(ParsedRequest request, SlmAnswer answer)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(answer);
        return request.Shape switch
        {
            ClassificationShape.JsonString => JsonSerializer.Serialize(answer.Text, RouterJsonContext.Default.String),
            ClassificationShape.JsonObjectProperty => "{" + JsonSerializer.Serialize(request.LabelProperty!, RouterJsonContext.Default.String) + ":" + JsonSerializer.Serialize(answer.Text, RouterJsonContext.Default.String) + "}",
            _ => answer.Text,
        };
    }

    public static async Task WriteAsync(HttpContext context, ParsedRequest request, SlmAnswer answer, string content, long created, string id)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(answer);
        var chat = request.Kind == EndpointKind.ChatCompletions;
        var usage = new UsageDto { PromptTokens = answer.PromptTokens, CompletionTokens = answer.CompletionTokens, TotalTokens = answer.PromptTokens + answer.CompletionTokens };
        var finish = answer.FinishReason is "length" ? "length" : "stop";
        var response = context.Response;
        if (!request.Stream)
        {
            response.ContentType = "application/json";
            var completion = new ChatCompletionResponse
            {
                Id = id,
                Object = chat ? "chat.completion" : "text_completion",
                Created = created,
                Model = request.Model,
                Choices = [chat
                    ? new ChoiceDto { Message = new AssistantMessageDto { Role = "assistant", Content = content }, FinishReason = finish }
                    : new ChoiceDto { Text = content, FinishReason = finish }],
                Usage = usage,
            };
            await JsonSerializer.SerializeAsync(response.Body, completion, RouterJsonContext.Default.ChatCompletionResponse, context.RequestAborted).ConfigureAwait(false);
            return;
        }

        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        var kind = chat ? "chat.completion.chunk" : "text_completion";
        ChoiceDto Choice(string? role, string? text, string? finishReason) => chat
            ? new ChoiceDto { Delta = new AssistantMessageDto { Role = role, Content = text }, FinishReason = finishReason }
            : new ChoiceDto { Text = text ?? string.Empty, FinishReason = finishReason };

        var chunk = new ChatCompletionResponse { Id = id, Object = kind, Created = created, Model = request.Model };
        chunk.Choices = [Choice("assistant", string.Empty, null)];
        await WriteEventAsync(response, chunk, context.RequestAborted).ConfigureAwait(false);
        chunk.Choices = [Choice(null, content, null)];
        await WriteEventAsync(response, chunk, context.RequestAborted).ConfigureAwait(false);
        chunk.Choices = [Choice(null, null, finish)];
        await WriteEventAsync(response, chunk, context.RequestAborted).ConfigureAwait(false);
        if (request.IncludeUsage)
        {
            chunk.Choices = [];
            chunk.Usage = usage;
            await WriteEventAsync(response, chunk, context.RequestAborted).ConfigureAwait(false);
        }

        await response.Body.WriteAsync(Done, context.RequestAborted).ConfigureAwait(false);
        await response.Body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
    }

    private static async Task WriteEventAsync(HttpResponse response, ChatCompletionResponse chunk, CancellationToken cancellationToken)
    {
        await response.Body.WriteAsync(DataPrefix, cancellationToken).ConfigureAwait(false);
        await JsonSerializer.SerializeAsync(response.Body, chunk, RouterJsonContext.Default.ChatCompletionResponse, cancellationToken).ConfigureAwait(false);
        await response.Body.WriteAsync(EventEnd, cancellationToken).ConfigureAwait(false);
    }
}
