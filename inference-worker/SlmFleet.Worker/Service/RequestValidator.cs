using System.Globalization;
using Grpc.Core;
using SlmFleet.Inference.V1;
using SlmFleet.Worker.Constraints;
using SlmFleet.Worker.Engine;
using SlmFleet.Worker.Templating;

namespace SlmFleet.Worker.Service;

/// <summary>Checks requests where they enter; every rejection is INVALID_ARGUMENT naming the field, the value and what is accepted.</summary>
internal static class RequestValidator
{
    public const int MaxStopSequences = 16;

    /// <summary>All labels are scored in one forward pass, so their count bounds that pass's memory.</summary>
    public const int MaxLabels = 64;

    public const int MaxTopLogprobs = 20;

    /// <summary>Roles a request may send; what each means is up to the chat template (a model's own template may raise on some).</summary>
    public static IReadOnlyList<string> Roles { get; } = ["system", "user", "assistant", "tool"];

    /// <summary>
    /// The prompt: <paramref name="prompt"/> as it is, or <paramref name="messages"/> rendered with the
    /// template <see cref="ChatTemplates"/> picks for <paramref name="chatTemplate"/>. A template that
    /// raises or fails answers INVALID_ARGUMENT naming the template and its error.
    /// </summary>
    public static string RenderPrompt(string prompt, IReadOnlyList<ChatMessage> messages, string chatTemplate, ChatTemplates templates)
    {
        if (prompt.Length > 0 && messages.Count > 0)
        {
            throw Invalid("prompt and messages are both set; send exactly one of them");
        }

        if (messages.Count == 0)
        {
            return prompt.Length == 0 ? throw Invalid("prompt: empty; send a non-empty prompt or at least one message") : prompt;
        }

        ChatTemplate? template;
        try
        {
            template = templates.ForRequest(chatTemplate, hasTools: false);
        }
        catch (JinjaException ex)
        {
            throw Invalid($"chat_template: the Jinja template does not parse at line {ex.Line}, column {ex.Column}: {ex.Reason}");
        }

        if (template is null)
        {
            var named = templates.Model.Named.Count > 0 ? $", the model's named templates ({string.Join(", ", templates.Model.Named.Keys)})" : string.Empty;
            throw Invalid($"chat_template: \"{Shorten(chatTemplate)}\" is unknown; accepted: {ChatTemplate.Accepted}{named}");
        }

        for (var i = 0; i < messages.Count; i++)
        {
            if (!Roles.Contains(messages[i].Role))
            {
                throw Invalid($"messages[{i}].role: \"{Shorten(messages[i].Role)}\" is unknown; accepted: {string.Join(", ", Roles)}");
            }
        }

        if (messages.All(m => m.Content.Length == 0))
        {
            throw Invalid("messages: every content is empty; send a non-empty prompt");
        }

        try
        {
            return template.Render(ChatConversation.FromMessages(messages.Select(m => (m.Role, m.Content))));
        }
        catch (JinjaException ex)
        {
            var what = ex.Raised ? $"raised \"{ex.Reason}\"" : $"failed: {ex.Reason}";
            throw Invalid($"messages: the chat template {ex.TemplateName ?? template.Description} {what} at line {ex.Line}, column {ex.Column}");
        }
    }

    /// <summary>Long custom templates and odd roles are cut in error messages, so an error never echoes a whole request back.</summary>
    private static string Shorten(string text) => text.Length <= 80 ? text : text[..77] + "...";

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

    /// <summary>
    /// Returns the number of new tokens to generate for a prompt of <paramref name="promptTokens"/> tokens:
    /// the request's, or the worker's default clamped to the room left. A prompt, or a prompt plus an
    /// explicit <c>max_new_tokens</c>, that does not fit the context is OUT_OF_RANGE (not INVALID_ARGUMENT)
    /// so that a router can tell "too long for this model" from a malformed request and send it to a
    /// model with a longer context instead.
    /// </summary>
    public static int MaxNewTokens(int requested, int promptTokens, int contextLength, int defaultMaxNewTokens)
    {
        if (requested < 0)
        {
            throw Invalid($"max_new_tokens: {requested} is negative; accepted: 0 (the worker's default, {defaultMaxNewTokens}) to {contextLength}");
        }

        CheckPromptLength(promptTokens, contextLength);
        var room = contextLength - promptTokens;
        if (requested > room)
        {
            throw TooLong($"max_new_tokens: {requested} new tokens after a prompt of {promptTokens} tokens exceed the context length {contextLength}; accepted: at most {room} (or 0 for the worker's default)");
        }

        return requested == 0 ? Math.Min(defaultMaxNewTokens, room) : requested;
    }

    public static void CheckPromptLength(int promptTokens, int contextLength)
    {
        if (promptTokens >= contextLength)
        {
            throw TooLong($"prompt: {promptTokens} tokens do not fit the context length {contextLength}; accepted: at most {contextLength - 1} tokens");
        }
    }

    /// <summary>Top alternatives per token: 0 to 20 as OpenAI accepts, and only together with logprobs.</summary>
    public static int TopLogprobs(GenerateRequest request)
    {
        if (request.TopLogprobs is < 0 or > MaxTopLogprobs)
        {
            throw Invalid($"top_logprobs: {request.TopLogprobs} is out of range; accepted: 0 to {MaxTopLogprobs}");
        }

        if (request.TopLogprobs > 0 && !request.Logprobs)
        {
            throw Invalid($"top_logprobs: {request.TopLogprobs} needs logprobs: true");
        }

        return request.TopLogprobs;
    }

    /// <summary>The request's constraint as a cache key, or null for free text.</summary>
    public static ConstraintSpec? Constraint(GenerateRequest request) => request.ConstraintCase switch
    {
        GenerateRequest.ConstraintOneofCase.JsonSchema => new ConstraintSpec("json_schema", request.JsonSchema),
        GenerateRequest.ConstraintOneofCase.JsonObject when request.JsonObject => new ConstraintSpec("json_object", string.Empty),
        GenerateRequest.ConstraintOneofCase.Choice => request.Choice.Options.Any(o => o.Contains('\0', StringComparison.Ordinal))
            ? throw Invalid("constraint: choice options must not contain NUL characters")
            : new ConstraintSpec("choice", string.Join('\0', request.Choice.Options)),
        GenerateRequest.ConstraintOneofCase.Regex => new ConstraintSpec("regex", request.Regex),
        _ => null,
    };

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

    /// <summary>The request is well formed but longer than this model's context.</summary>
    public static RpcException TooLong(string message) => new(new Status(StatusCode.OutOfRange, message));

    private static string Format(float value) => value.ToString(CultureInfo.InvariantCulture);
}
