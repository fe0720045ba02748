using System.Text;
using System.Text.Json;
using SlmFleet.Inference.V1;
using SlmFleet.Router.Slm;

namespace SlmFleet.Router.OpenAi;

/// <summary>
/// Writes SLM answers to the client in OpenAI's shapes: a completion with one choice per answer, or
/// (through <see cref="SlmChunkWriter"/>) an SSE stream of chunks.
/// </summary>
internal static class SlmAnswerWriter
{
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

    /// <summary>OpenAI counts the prompt once however many choices there are.</summary>
    public static UsageDto Usage(IReadOnlyList<SlmAnswer> answers)
    {
        ArgumentNullException.ThrowIfNull(answers);
        var prompt = answers.Count == 0 ? 0 : answers[0].PromptTokens;
        var completion = answers.Sum(a => a.CompletionTokens);
        return new UsageDto { PromptTokens = prompt, CompletionTokens = completion, TotalTokens = prompt + completion };
    }

    public static string FinishReason(string workerReason) => workerReason is "length" ? "length" : "stop";

    /// <summary>Writes complete answers: one completion, or (for a stream held to its end) the same answers as chunks.</summary>
    public static async Task WriteAsync(HttpContext context, ParsedRequest request, IReadOnlyList<SlmAnswer> answers, IReadOnlyList<string> contents, long created, string id)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(answers);
        ArgumentNullException.ThrowIfNull(contents);
        var usage = Usage(answers);
        if (request.Stream)
        {
            var writer = new SlmChunkWriter(context, request, id, created);
            await writer.StartAsync(answers.Count).ConfigureAwait(false);
            for (var i = 0; i < answers.Count; i++)
            {
                await writer.WriteTextAsync(i, contents[i], answers[i].Logprobs, FinishReason(answers[i].FinishReason)).ConfigureAwait(false);
            }

            await writer.EndAsync(usage).ConfigureAwait(false);
            return;
        }

        var chat = request.Kind == EndpointKind.ChatCompletions;
        var completion = new ChatCompletionResponse
        {
            Id = id,
            Object = chat ? "chat.completion" : "text_completion",
            Created = created,
            Model = request.Model,
            Usage = usage,
        };
        for (var i = 0; i < answers.Count; i++)
        {
            var finish = FinishReason(answers[i].FinishReason);
            var logprobs = request.Needs.Logprobs ? Logprobs(request, answers[i].Logprobs ?? [], 0) : null;
            completion.Choices.Add(chat
                ? new ChoiceDto { Index = i, Message = new AssistantMessageDto { Role = "assistant", Content = contents[i] }, Logprobs = logprobs, FinishReason = finish }
                : new ChoiceDto { Index = i, Text = contents[i], Logprobs = logprobs, FinishReason = finish });
        }

        context.Response.ContentType = "application/json";
        await JsonSerializer.SerializeAsync(context.Response.Body, completion, RouterJsonContext.Default.ChatCompletionResponse, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>
    /// The worker's per-token log-probabilities in the endpoint's shape. <paramref name="textOffset"/>
    /// is where these tokens start in the choice's text (the completions shape reports offsets).
    /// </summary>
    public static LogprobsDto Logprobs(ParsedRequest request, IReadOnlyList<TokenLogprob> tokens, int textOffset)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(tokens);
        if (request.Kind == EndpointKind.ChatCompletions)
        {
            var content = new List<TokenLogprobDto>(tokens.Count);
            foreach (var token in tokens)
            {
                var entry = new TokenLogprobDto { Token = token.Token, Logprob = token.Logprob, Bytes = Bytes(token.Token), TopLogprobs = new List<TokenLogprobDto>(token.TopLogprobs.Count) };
                foreach (var alternative in token.TopLogprobs)
                {
                    entry.TopLogprobs.Add(new TokenLogprobDto { Token = alternative.Token, Logprob = alternative.Logprob, Bytes = Bytes(alternative.Token) });
                }

                content.Add(entry);
            }

            return new LogprobsDto { Content = content };
        }

        var result = new LogprobsDto { Tokens = new(tokens.Count), TokenLogprobs = new(tokens.Count), TopLogprobs = new(tokens.Count), TextOffset = new(tokens.Count) };
        foreach (var token in tokens)
        {
            result.Tokens.Add(token.Token);
            result.TokenLogprobs.Add(token.Logprob);
            var top = new Dictionary<string, float>(token.TopLogprobs.Count, StringComparer.Ordinal);
            foreach (var alternative in token.TopLogprobs)
            {
                top.TryAdd(alternative.Token, alternative.Logprob);
            }

            result.TopLogprobs.Add(top);
            result.TextOffset.Add(textOffset);
            textOffset += token.Token.Length;
        }

        return result;
    }

    private static int[] Bytes(string token)
    {
        var bytes = Encoding.UTF8.GetBytes(token);
        var values = new int[bytes.Length];
        for (var i = 0; i < bytes.Length; i++)
        {
            values[i] = bytes[i];
        }

        return values;
    }
}
