using System.Text;
using System.Text.Json;

namespace SlmFleet.Router.OpenAi;

/// <summary>
/// Parses and checks a request body. Every refusal names the field, the value and what is accepted.
/// Classification is recognised from (in order) the <c>x-slmfleet-labels</c> header,
/// <c>metadata.labels</c> (comma-separated), or a <c>json_schema</c> response format whose schema is a
/// string enum or an object with a single enum property.
/// </summary>
internal static class RequestParser
{
    private const int MaxLabels = 64;
    private static readonly string[] Roles = ["system", "developer", "user", "assistant", "tool"];

    public static (ParsedRequest? Request, RequestError? Error) Parse(ReadOnlySpan<byte> body, EndpointKind kind, string? labelsHeader)
    {
        try
        {
            return ParseCore(body, kind, labelsHeader);
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or DecoderFallbackException)
        {
            // Invalid UTF-8 inside a string is only found when the string is read, as a transcoding error.
            return (null, new RequestError(400, $"The request body is not valid UTF-8 JSON: {FirstSentence(ex.Message)}", OpenAiErrors.InvalidRequest, null, "invalid_json"));
        }
    }

    private static (ParsedRequest? Request, RequestError? Error) ParseCore(ReadOnlySpan<byte> body, EndpointKind kind, string? labelsHeader)
    {
        ChatCompletionRequest? dto;
        try
        {
            dto = JsonSerializer.Deserialize(body, RouterJsonContext.Default.ChatCompletionRequest);
        }
        catch (JsonException ex)
        {
            var param = ex.Path is { Length: > 2 } path ? path.TrimStart('$', '.') : null;
            var message = param is null
                ? $"The request body is not valid JSON: {FirstSentence(ex.Message)}"
                : ExpectedKind(ex.Message) is { } expected
                    ? $"Field '{param}' has the wrong type: expected {expected}."
                    : $"Field '{param}' is invalid: {FirstSentence(ex.Message)}";
            return (null, new RequestError(400, message, OpenAiErrors.InvalidRequest, param, "invalid_json"));
        }

        if (dto is null)
        {
            return (null, new RequestError(400, "The request body must be a JSON object, got null.", OpenAiErrors.InvalidRequest, null, "invalid_json"));
        }

        if (string.IsNullOrWhiteSpace(dto.Model))
        {
            return (null, RequestError.Invalid("model", "Missing required parameter 'model': name a routing policy alias or a served SLM model (see GET /v1/models).", "missing_required_parameter"));
        }

        var prompt = kind == EndpointKind.ChatCompletions ? CheckMessages(dto, out var error) : CheckPrompt(dto, out error);
        if (error is not null)
        {
            return (null, error);
        }

        error = CheckSampling(dto);
        if (error is not null)
        {
            return (null, error);
        }

        var (needs, needsError) = RequestCapabilities.Check(dto, kind);
        if (needsError is not null)
        {
            return (null, needsError);
        }

        var (schema, requiresObject, formatError) = CheckResponseFormat(dto.ResponseFormat);
        if (formatError is not null)
        {
            return (null, formatError);
        }

        var (labels, shape, property, labelError) = Classification(dto, labelsHeader, schema);
        if (labelError is not null)
        {
            return (null, labelError);
        }

        if (labels is not null && needs!.Logprobs && needs.Unsupported is null)
        {
            // A classification is scored label by label, not sampled token by token: there are no token log-probabilities to return.
            needs = needs with { Unsupported = new UnsupportedFeature("logprobs", "logprobs", "classification") };
        }

        var request = new ParsedRequest(
            kind,
            dto,
            dto.Model,
            dto.Stream == true,
            dto.StreamOptions?.IncludeUsage == true,
            dto.MaxCompletionTokens ?? dto.MaxTokens ?? 0,
            labels,
            shape,
            property,
            schema,
            requiresObject,
            prompt!,
            needs!);
        return (request, null);
    }

    private static string? CheckMessages(ChatCompletionRequest dto, out RequestError? error)
    {
        error = null;
        if (dto.Messages is not { Count: > 0 } messages)
        {
            error = RequestError.Invalid("messages", "Missing required parameter 'messages': a non-empty array of {role, content} objects.", "missing_required_parameter");
            return null;
        }

        var prompt = new StringBuilder();
        for (var i = 0; i < messages.Count; i++)
        {
            var message = messages[i];
            if (message is null || message.Role is null || Array.IndexOf(Roles, message.Role) < 0)
            {
                error = RequestError.Invalid($"messages[{i}].role", $"Invalid value '{message?.Role}' for 'messages[{i}].role': expected one of {string.Join(", ", Roles)}.");
                return null;
            }

            prompt.Append(message.Content).Append('\n');
        }

        return prompt.ToString();
    }

    private static string? CheckPrompt(ChatCompletionRequest dto, out RequestError? error)
    {
        error = null;
        if (dto.Prompt is { ValueKind: JsonValueKind.String } prompt)
        {
            return prompt.GetString();
        }

        if (dto.Prompt is { ValueKind: JsonValueKind.Array } array && array.GetArrayLength() == 1 && array[0].ValueKind == JsonValueKind.String)
        {
            return array[0].GetString();
        }

        error = RequestError.Invalid("prompt", "Missing or invalid 'prompt': expected a string (or an array with exactly one string).", dto.Prompt is null ? "missing_required_parameter" : "invalid_value");
        return null;
    }

    private static RequestError? CheckSampling(ChatCompletionRequest dto)
    {
        if (dto.MaxTokens is < 1)
        {
            return RequestError.Invalid("max_tokens", $"Invalid 'max_tokens': {dto.MaxTokens}; expected an integer >= 1.");
        }

        if (dto.MaxCompletionTokens is < 1)
        {
            return RequestError.Invalid("max_completion_tokens", $"Invalid 'max_completion_tokens': {dto.MaxCompletionTokens}; expected an integer >= 1.");
        }

        if (dto.Temperature is { } temperature && (temperature is < 0 or > 2 || double.IsNaN(temperature)))
        {
            return RequestError.Invalid("temperature", $"Invalid 'temperature': {temperature}; expected a number from 0 to 2.");
        }

        if (dto.TopP is { } topP && (topP is < 0 or > 1 || double.IsNaN(topP)))
        {
            return RequestError.Invalid("top_p", $"Invalid 'top_p': {topP}; expected a number from 0 to 1.");
        }

        if (dto.Stop is { } stop && stop.ValueKind is not (JsonValueKind.String or JsonValueKind.Null)
            && (stop.ValueKind != JsonValueKind.Array || stop.GetArrayLength() > 4 || stop.EnumerateArray().Any(s => s.ValueKind != JsonValueKind.String)))
        {
            return RequestError.Invalid("stop", "Invalid 'stop': expected a string or an array of up to 4 strings.");
        }

        // Reading the strings now surfaces invalid UTF-8 here (as a 400), not later while building the SLM request.
        _ = dto.Stop is { ValueKind: JsonValueKind.String } one ? one.GetString() : null;
        if (dto.Stop is { ValueKind: JsonValueKind.Array } many)
        {
            foreach (var item in many.EnumerateArray())
            {
                _ = item.GetString();
            }
        }

        return null;
    }

    private static (JsonElement? Schema, bool RequiresObject, RequestError? Error) CheckResponseFormat(ResponseFormatDto? format)
    {
        switch (format?.Type)
        {
            case null when format is not null:
                return (null, false, RequestError.Invalid("response_format.type", "Missing 'response_format.type': expected text, json_object or json_schema.", "missing_required_parameter"));
            case null or "text":
                return (null, false, null);
            case "json_object":
                return (null, true, null);
            case "json_schema" when format.JsonSchema?.Schema is { ValueKind: JsonValueKind.Object } schema:
                return (schema, false, Schema.ResponseSchemas.Check(schema));
            case "json_schema":
                return (null, false, RequestError.Invalid("response_format.json_schema.schema", "Invalid 'response_format.json_schema.schema': expected a JSON Schema object."));
            default:
                return (null, false, RequestError.Invalid("response_format.type", $"Invalid value '{format.Type}' for 'response_format.type': expected text, json_object or json_schema."));
        }
    }

    private static (IReadOnlyList<string>? Labels, ClassificationShape Shape, string? Property, RequestError? Error) Classification(
        ChatCompletionRequest dto, string? header, JsonElement? schema)
    {
        string? listed = null;
        string param = "x-slmfleet-labels";
        if (!string.IsNullOrWhiteSpace(header))
        {
            listed = header;
        }
        else if (dto.Metadata is { } metadata && metadata.TryGetValue("labels", out var fromMetadata))
        {
            listed = fromMetadata;
            param = "metadata.labels";
        }

        if (listed is not null)
        {
            var labels = listed.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.Ordinal).ToArray();
            if (labels.Length is < 2 or > MaxLabels || labels.Any(l => l.Length > 128))
            {
                return (null, ClassificationShape.None, null, RequestError.Invalid(param, $"Invalid '{param}': expected 2 to {MaxLabels} distinct comma-separated labels of at most 128 characters, got {labels.Length}."));
            }

            return (labels, ClassificationShape.Plain, null, null);
        }

        if (schema is not { } s)
        {
            return (null, ClassificationShape.None, null, null);
        }

        if (StringEnum(s) is { } direct)
        {
            return (direct, ClassificationShape.JsonString, null, null);
        }

        if (s.TryGetProperty("properties", out var properties) && properties.ValueKind == JsonValueKind.Object)
        {
            var all = properties.EnumerateObject().ToArray();
            if (all.Length == 1 && StringEnum(all[0].Value) is { } nested)
            {
                return (nested, ClassificationShape.JsonObjectProperty, all[0].Name, null);
            }
        }

        return (null, ClassificationShape.None, null, null);
    }

    private static string[]? StringEnum(JsonElement schema)
    {
        if (schema.ValueKind != JsonValueKind.Object || !schema.TryGetProperty("enum", out var values) || values.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        var labels = values.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.String).Select(v => v.GetString()!).ToArray();
        return labels.Length >= 2 && labels.Length == values.GetArrayLength() && labels.Length <= MaxLabels ? labels : null;
    }

    /// <summary>
    /// System.Text.Json names the .NET target type ("could not be converted to System.Nullable`1[System.Int32]");
    /// clients should read the JSON kind they must send instead.
    /// </summary>
    internal static string? ExpectedKind(string message)
    {
        const string Marker = "could not be converted to ";
        var start = message.IndexOf(Marker, StringComparison.Ordinal);
        if (start < 0)
        {
            return null;
        }

        var type = message[(start + Marker.Length)..];
        var end = type.IndexOf(". ", StringComparison.Ordinal);
        type = end > 0 ? type[..end] : type.TrimEnd('.');
        return type switch
        {
            _ when type.Contains("Int32", StringComparison.Ordinal) || type.Contains("Int64", StringComparison.Ordinal) => "an integer",
            _ when type.Contains("Double", StringComparison.Ordinal) || type.Contains("Single", StringComparison.Ordinal) || type.Contains("Decimal", StringComparison.Ordinal) => "a number",
            _ when type.Contains("Boolean", StringComparison.Ordinal) => "true or false",
            _ when type.Contains("List`1", StringComparison.Ordinal) || type.EndsWith("[]", StringComparison.Ordinal) => "an array",
            _ when type.Contains("Dictionary`2", StringComparison.Ordinal) || type.Contains("JsonObject", StringComparison.Ordinal) => "an object",
            "System.String" => "a string",
            _ => "an object",
        };
    }

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(". ", StringComparison.Ordinal);
        return end > 0 ? message[..(end + 1)] : message;
    }
}
