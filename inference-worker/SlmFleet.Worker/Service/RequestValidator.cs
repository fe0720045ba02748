using System.Globalization;
using Grpc.Core;
using SlmFleet.Inference.V1;
using SlmFleet.Worker.Engine;

namespace SlmFleet.Worker.Service;

/// <summary>Checks requests where they enter; every rejection is INVALID_ARGUMENT naming the field, the value and what is accepted.</summary>
internal static class RequestValidator
{
    public const int MaxStopSequences = 16;

    /// <summary>All labels are scored in one forward pass, so their count bounds that pass's memory.</summary>
    public const int MaxLabels = 64;

    public static string RenderPrompt(string prompt, IReadOnlyList<ChatMessage> messages, string chatTemplate, ChatTemplate fallback)
    {
        if (prompt.Length > 0 && messages.Count > 0)
        {
            throw Invalid("prompt and messages are both set; send exactly one of them");
        }

        if (messages.Count == 0)
        {
            return prompt.Length == 0 ? throw Invalid("prompt: empty; send a non-empty prompt or at least one message") : prompt;
        }

        var template = fallback;
        if (chatTemplate.Length > 0)
        {
            template = ChatTemplate.Resolve(chatTemplate)
                ?? throw Invalid($"chat_template: \"{chatTemplate}\" is unknown; accepted: {string.Join(", ", ChatTemplate.BuiltIn)}, or a custom template containing {{content}}");
        }

        for (var i = 0; i < messages.Count; i++)
        {
            if (messages[i].Role is not ("system" or "user" or "assistant"))
            {
                throw Invalid($"messages[{i}].role: \"{messages[i].Role}\" is unknown; accepted: system, user, assistant");
            }
        }

        if (messages.All(m => m.Content.Length == 0))
        {
            throw Invalid("messages: every content is empty; send a non-empty prompt");
        }

        return template.Render(messages.Select(m => (m.Role, m.Content)));
    }

    /// <summary>Pre-tokenized prompts bypass the template, so they must come alone and name only ids the model has.</summary>
    public static IReadOnlyList<int> PromptTokenIds(GenerateRequest request, int vocabSize)
    {
        if (request.Prompt.Length > 0 || request.Messages.Count > 0)
        {
            throw Invalid("prompt_token_ids and prompt/messages are both set; send exactly one of them");
        }

        for (var i = 0; i < request.PromptTokenIds.Count; i++)
        {
            var id = request.PromptTokenIds[i];
            if (id < 0 || id >= vocabSize)
            {
                throw Invalid($"prompt_token_ids[{i}]: {id} is out of range; accepted: 0 to {vocabSize - 1} (the model's vocabulary)");
            }
        }

        return [.. request.PromptTokenIds];
    }

    public static SamplingOptions Sampling(SamplingParameters? sampling)
    {
        if (sampling is null)
        {
            return SamplingOptions.Greedy;
        }

        if (!(sampling.Temperature >= 0) || float.IsInfinity(sampling.Temperature))
        {
            throw Invalid($"sampling.temperature: {Format(sampling.Temperature)} is invalid; accepted: a finite number >= 0 (0 = greedy)");
        }

        if (sampling.TopK < 0)
        {
            throw Invalid($"sampling.top_k: {sampling.TopK} is negative; accepted: 0 (disabled) or a positive count");
        }

        if (!(sampling.TopP >= 0 && sampling.TopP <= 1))
        {
            throw Invalid($"sampling.top_p: {Format(sampling.TopP)} is out of range; accepted: 0 or 1 (disabled), or a value in (0, 1)");
        }

        return new SamplingOptions(sampling.Temperature, sampling.TopK, sampling.TopP);
    }

    /// <summary>Returns the number of new tokens to generate for a prompt of <paramref name="promptTokens"/> tokens.</summary>
    public static int MaxNewTokens(int requested, int promptTokens, int contextLength, int defaultMaxNewTokens)
    {
        if (requested < 0)
        {
            throw Invalid($"max_new_tokens: {requested} is negative; accepted: 0 (the worker's default, {defaultMaxNewTokens}) to {contextLength}");
        }

        if (requested > contextLength)
        {
            throw Invalid($"max_new_tokens: {requested} exceeds the model's context length {contextLength}; accepted: 0 to {contextLength}");
        }

        CheckPromptLength(promptTokens, contextLength);
        var room = contextLength - promptTokens;
        return Math.Min(requested == 0 ? defaultMaxNewTokens : requested, room);
    }

    public static void CheckPromptLength(int promptTokens, int contextLength)
    {
        if (promptTokens >= contextLength)
        {
            throw Invalid($"prompt: {promptTokens} tokens do not fit the context length {contextLength}; accepted: at most {contextLength - 1} tokens");
        }
    }

    public static IReadOnlyList<string> Stops(IReadOnlyList<string> stops)
    {
        if (stops.Count > MaxStopSequences)
        {
            throw Invalid($"stop: {stops.Count} sequences; accepted: at most {MaxStopSequences}");
        }

        for (var i = 0; i < stops.Count; i++)
        {
            if (stops[i].Length == 0)
            {
                throw Invalid($"stop[{i}]: empty; every stop sequence must be non-empty");
            }
        }

        return stops;
    }

    public static IReadOnlyList<string> Labels(IReadOnlyList<string> labels)
    {
        if (labels.Count == 0)
        {
            throw Invalid("labels: empty; send at least one candidate label");
        }

        if (labels.Count > MaxLabels)
        {
            throw Invalid($"labels: {labels.Count} labels; accepted: at most {MaxLabels}");
        }

        for (var i = 0; i < labels.Count; i++)
        {
            if (labels[i].Length == 0)
            {
                throw Invalid($"labels[{i}]: empty; every label must be non-empty");
            }
        }

        var duplicate = labels.GroupBy(l => l, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        return duplicate is not null ? throw Invalid($"labels: \"{duplicate.Key}\" appears more than once; labels must be distinct") : labels;
    }

    public static RpcException Invalid(string message) => new(new Status(StatusCode.InvalidArgument, message));

    private static string Format(float value) => value.ToString(CultureInfo.InvariantCulture);
}
