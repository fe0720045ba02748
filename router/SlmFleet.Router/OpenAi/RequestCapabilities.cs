using System.Text.Json;
using System.Text.RegularExpressions;

namespace SlmFleet.Router.OpenAi;

/// <summary>
/// What a request asks of the model beyond a prompt (choices, log-probabilities, tools, other
/// modalities…), checked against OpenAI's accepted values, and the first feature the SLM cannot honour.
/// A request with such a feature is routed to the LLM with its body unchanged (reason
/// <c>unsupported</c>), instead of being answered by the SLM with the field silently dropped.
/// </summary>
internal static partial class RequestCapabilities
{
    public const int MaxChoices = 128;
    public const int MaxTopLogprobs = 20;
    public const int MaxCompletionLogprobs = 5;
    private const int MaxTools = 128;

    /// <summary>Validates the fields and returns what the SLM must do, or the 400 for an invalid value.</summary>
    public static (RequestNeeds? Needs, RequestError? Error) Check(ChatCompletionRequest dto, EndpointKind kind)
    {
        ArgumentNullException.ThrowIfNull(dto);
        var chat = kind == EndpointKind.ChatCompletions;
        if (dto.N is { } n && n is < 1 or > MaxChoices)
        {
            return (null, RequestError.Invalid("n", $"Invalid 'n': {n}; expected an integer from 1 to {MaxChoices}.", n < 1 ? "integer_below_min_value" : "integer_above_max_value"));
        }

        var (logprobs, top, logprobsError) = chat ? ChatLogprobs(dto) : CompletionLogprobs(dto);
        if (logprobsError is not null)
        {
            return (null, logprobsError);
        }

        if ((Penalty(dto.PresencePenalty, "presence_penalty") ?? Penalty(dto.FrequencyPenalty, "frequency_penalty") ?? LogitBias(dto.LogitBias) ?? Tools(dto)) is { } invalid)
        {
            return (null, invalid);
        }

        if (dto.StreamOptions is not null && dto.Stream != true)
        {
            return (null, RequestError.Invalid("stream_options", "Invalid 'stream_options': only allowed when 'stream' is true."));
        }

        if (!chat && dto.BestOf is { } bestOf && (bestOf < 1 || bestOf < (dto.N ?? 1) || bestOf > 20))
        {
            return (null, RequestError.Invalid("best_of", $"Invalid 'best_of': {bestOf}; expected an integer from n ({dto.N ?? 1}) to 20."));
        }

        var (unsupported, messageError) = Unsupported(dto, chat);
        if (messageError is not null)
        {
            return (null, messageError);
        }

        return (new RequestNeeds(dto.N ?? 1, logprobs, top, unsupported), null);
    }

    private static (bool Logprobs, int Top, RequestError? Error) ChatLogprobs(ChatCompletionRequest dto)
    {
        var logprobs = false;
        switch (dto.Logprobs?.ValueKind)
        {
            case null or JsonValueKind.Null or JsonValueKind.False:
                break;
            case JsonValueKind.True:
                logprobs = true;
                break;
            default:
                return (false, 0, RequestError.Invalid("logprobs", "Field 'logprobs' has the wrong type: expected true or false."));
        }

        if (dto.TopLogprobs is { } top)
        {
            if (top is < 0 or > MaxTopLogprobs)
            {
                return (false, 0, RequestError.Invalid("top_logprobs", $"Invalid 'top_logprobs': {top}; expected an integer from 0 to {MaxTopLogprobs}.", top < 0 ? "integer_below_min_value" : "integer_above_max_value"));
            }

            if (!logprobs)
            {
                return (false, 0, RequestError.Invalid("top_logprobs", "Invalid 'top_logprobs': 'logprobs' must be true when 'top_logprobs' is set."));
            }
        }

        return (logprobs, dto.TopLogprobs ?? 0, null);
    }

    private static (bool Logprobs, int Top, RequestError? Error) CompletionLogprobs(ChatCompletionRequest dto)
    {
        if (dto.Logprobs is not { ValueKind: not JsonValueKind.Null } value)
        {
            return (false, 0, null);
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var count) || count is < 0 or > MaxCompletionLogprobs)
        {
            return (false, 0, RequestError.Invalid("logprobs", $"Invalid 'logprobs': {value.GetRawText()}; expected an integer from 0 to {MaxCompletionLogprobs}."));
        }

        return (true, count, null);
    }

    private static RequestError? Penalty(double? value, string param) =>
        value is { } v && (v is < -2 or > 2 || double.IsNaN(v))
            ? RequestError.Invalid(param, $"Invalid '{param}': {v}; expected a number from -2 to 2.")
            : null;

    private static RequestError? LogitBias(JsonElement? bias)
    {
        if (bias is not { ValueKind: not JsonValueKind.Null } value)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            return RequestError.Invalid("logit_bias", "Field 'logit_bias' has the wrong type: expected an object mapping token ids to numbers from -100 to 100.");
        }

        foreach (var entry in value.EnumerateObject())
        {
            if (!int.TryParse(entry.Name, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out _)
                || entry.Value.ValueKind != JsonValueKind.Number || entry.Value.GetDouble() is < -100 or > 100)
            {
                return RequestError.Invalid("logit_bias", $"Invalid 'logit_bias' entry '{entry.Name}': expected a token id mapped to a number from -100 to 100.");
            }
        }

        return null;
    }

    private static RequestError? Tools(ChatCompletionRequest dto)
    {
        var count = 0;
        if (dto.Tools is { ValueKind: not JsonValueKind.Null } tools)
        {
            if (tools.ValueKind != JsonValueKind.Array)
            {
                return RequestError.Invalid("tools", "Field 'tools' has the wrong type: expected an array of {\"type\":\"function\",\"function\":{\"name\":...}} objects.");
            }

            count = tools.GetArrayLength();
            if (count > MaxTools)
            {
                return RequestError.Invalid("tools", $"Invalid 'tools': {count} tools; expected at most {MaxTools}.", "array_above_max_length");
            }

            var i = 0;
            foreach (var tool in tools.EnumerateArray())
            {
                if (tool.ValueKind != JsonValueKind.Object || !tool.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String)
                {
                    return RequestError.Invalid($"tools[{i}].type", $"Missing or invalid 'tools[{i}].type': expected \"function\".", "missing_required_parameter");
                }

                if (type.ValueEquals("function"u8)
                    && (!tool.TryGetProperty("function", out var function) || function.ValueKind != JsonValueKind.Object
                        || !function.TryGetProperty("name", out var name) || name.ValueKind != JsonValueKind.String || !FunctionName().IsMatch(name.GetString()!)))
                {
                    return RequestError.Invalid($"tools[{i}].function.name", $"Missing or invalid 'tools[{i}].function.name': expected 1 to 64 letters, digits, underscores or dashes.");
                }

                i++;
            }
        }

        switch (dto.ToolChoice)
        {
            case null or { ValueKind: JsonValueKind.Null }:
                return null;
            case { ValueKind: JsonValueKind.String } mode when mode.ValueEquals("none"u8) || mode.ValueEquals("auto"u8):
                return null;
            case { ValueKind: JsonValueKind.String } mode when mode.ValueEquals("required"u8):
                return count == 0 ? RequestError.Invalid("tool_choice", "Invalid 'tool_choice': \"required\" needs at least one entry in 'tools'.") : null;
            case { ValueKind: JsonValueKind.Object } named when named.TryGetProperty("type", out _):
                return count == 0 ? RequestError.Invalid("tool_choice", "Invalid 'tool_choice': naming a tool needs 'tools'.") : null;
            default:
                return RequestError.Invalid("tool_choice", "Invalid 'tool_choice': expected \"none\", \"auto\", \"required\" or {\"type\":\"function\",\"function\":{\"name\":...}}.");
        }
    }

    /// <summary>The first feature the SLM cannot honour, in the order a reader would look for it.</summary>
    private static (UnsupportedFeature? Feature, RequestError? Error) Unsupported(ChatCompletionRequest dto, bool chat)
    {
        if (dto.Messages is { } messages)
        {
            for (var i = 0; i < messages.Count; i++)
            {
                var message = messages[i];
                if (message?.Role == "tool" && string.IsNullOrEmpty(message.ToolCallId))
                {
                    return (null, RequestError.Invalid($"messages[{i}].tool_call_id", $"Missing required parameter 'messages[{i}].tool_call_id': a tool message answers a tool call.", "missing_required_parameter"));
                }
            }

            for (var i = 0; i < messages.Count; i++)
            {
                var message = messages[i];
                if (message?.Role == "tool" || message?.ToolCalls is { ValueKind: JsonValueKind.Array })
                {
                    return (new UnsupportedFeature("tools", $"messages[{i}]"), null);
                }

                if (message?.Parts?.NonTextPart is { } part)
                {
                    return (new UnsupportedFeature("non_text_content", $"messages[{i}].content", part), null);
                }
            }
        }

        var toolsOff = dto.ToolChoice is { ValueKind: JsonValueKind.String } choice && choice.ValueEquals("none"u8);
        if (!toolsOff && dto.Tools is { ValueKind: JsonValueKind.Array } tools && tools.GetArrayLength() > 0)
        {
            return (new UnsupportedFeature("tools", "tools"), null);
        }

        if (dto.Functions is { ValueKind: JsonValueKind.Array } functions && functions.GetArrayLength() > 0)
        {
            return (new UnsupportedFeature("tools", "functions"), null);
        }

        if (dto.Audio is { ValueKind: JsonValueKind.Object }
            || (dto.Modalities is { ValueKind: JsonValueKind.Array } modalities && modalities.EnumerateArray().Any(m => m.ValueKind == JsonValueKind.String && !m.ValueEquals("text"u8))))
        {
            return (new UnsupportedFeature("audio", dto.Audio is null ? "modalities" : "audio"), null);
        }

        if (dto.WebSearchOptions is { ValueKind: JsonValueKind.Object })
        {
            return (new UnsupportedFeature("web_search", "web_search_options"), null);
        }

        if (dto.LogitBias is { ValueKind: JsonValueKind.Object } bias && bias.EnumerateObject().Any())
        {
            return (new UnsupportedFeature("logit_bias", "logit_bias"), null);
        }

        if (dto.PresencePenalty is { } presence && presence != 0)
        {
            return (new UnsupportedFeature("penalties", "presence_penalty"), null);
        }

        if (dto.FrequencyPenalty is { } frequency && frequency != 0)
        {
            return (new UnsupportedFeature("penalties", "frequency_penalty"), null);
        }

        if (!chat && (dto.Echo == true || (dto.BestOf ?? 1) > (dto.N ?? 1) || !string.IsNullOrEmpty(dto.Suffix)))
        {
            return (new UnsupportedFeature("completion_options", dto.Echo == true ? "echo" : string.IsNullOrEmpty(dto.Suffix) ? "best_of" : "suffix"), null);
        }

        return (null, null);
    }

    [GeneratedRegex("^[a-zA-Z0-9_-]{1,64}$")]
    private static partial Regex FunctionName();
}

/// <summary>What the SLM must honour beyond the prompt.</summary>
/// <param name="Choices">OpenAI's <c>n</c>.</param>
/// <param name="Logprobs">Per-token log-probabilities in the answer.</param>
/// <param name="TopLogprobs">Alternatives per token (chat's top_logprobs, completions' logprobs count).</param>
/// <param name="Unsupported">The first feature only the LLM can honour, if any.</param>
internal sealed record RequestNeeds(int Choices, bool Logprobs, int TopLogprobs, UnsupportedFeature? Unsupported);

/// <summary>
/// A feature the SLM cannot honour: <c>tools</c>, <c>non_text_content</c>, <c>audio</c>,
/// <c>web_search</c>, <c>logit_bias</c>, <c>penalties</c>, <c>completion_options</c>, <c>context</c>
/// (found by the worker), <c>logprobs</c> (on a classification). <paramref name="Param"/> is the
/// field that asked for it, <paramref name="Detail"/> e.g. the content part's type.
/// </summary>
internal sealed record UnsupportedFeature(string Feature, string Param, string? Detail = null);
