using System.Text.Json;

namespace SlmFleet.Router.OpenAi;

/// <summary>
/// Checks a <c>POST /v1/embeddings</c> body before it goes upstream: the fields OpenAI defines are
/// checked for shape (a provider's own error would name its model, not the alias, and cost a round
/// trip); everything else is passed through untouched.
/// </summary>
internal static class EmbeddingsRequestParser
{
    /// <summary>The <c>model</c> the client sent, or the 400 that names the bad field.</summary>
    public static (string? Model, RequestError? Error) Parse(ReadOnlySpan<byte> body)
    {
        JsonDocument document;
        try
        {
            var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 16 });
            document = JsonDocument.ParseValue(ref reader);
        }
        catch (JsonException ex)
        {
            return (null, new RequestError(400, $"The request body is not valid JSON: {ex.Message}", OpenAiErrors.InvalidRequest, null, "invalid_json"));
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return (null, new RequestError(400, $"The request body must be a JSON object, got {Kind(root)}.", OpenAiErrors.InvalidRequest, null, "invalid_json"));
            }

            if (!root.TryGetProperty("model", out var model) || model.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(model.GetString()))
            {
                return (null, RequestError.Invalid("model", "Missing required parameter 'model': a string naming a routing policy alias (see GET /v1/models).", "missing_required_parameter"));
            }

            var error = CheckInput(root) ?? CheckOptions(root);
            return error is null ? (model.GetString(), null) : (null, error);
        }
    }

    private static RequestError? CheckInput(JsonElement root)
    {
        const string Accepted = "expected a non-empty string, an array of non-empty strings, an array of token integers, or an array of such arrays";
        if (!root.TryGetProperty("input", out var input))
        {
            return RequestError.Invalid("input", $"Missing required parameter 'input': {Accepted}.", "missing_required_parameter");
        }

        var valid = input.ValueKind switch
        {
            JsonValueKind.String => input.GetString()!.Length > 0,
            JsonValueKind.Array when input.GetArrayLength() > 0 => input.EnumerateArray().All(IsString)
                || input.EnumerateArray().All(IsToken)
                || input.EnumerateArray().All(item => item.ValueKind == JsonValueKind.Array && item.GetArrayLength() > 0 && item.EnumerateArray().All(IsToken)),
            _ => false,
        };
        return valid ? null : RequestError.Invalid("input", $"Invalid 'input' ({Kind(input)}): {Accepted}.");

        static bool IsString(JsonElement item) => item.ValueKind == JsonValueKind.String && item.GetString()!.Length > 0;

        static bool IsToken(JsonElement item) => item.ValueKind == JsonValueKind.Number && item.TryGetInt32(out var token) && token >= 0;
    }

    private static RequestError? CheckOptions(JsonElement root)
    {
        if (root.TryGetProperty("encoding_format", out var format)
            && !(format.ValueKind == JsonValueKind.String && format.GetString() is "float" or "base64"))
        {
            return RequestError.Invalid("encoding_format", $"Invalid 'encoding_format': {format.GetRawText()}; expected \"float\" or \"base64\".");
        }

        if (root.TryGetProperty("dimensions", out var dimensions)
            && !(dimensions.ValueKind == JsonValueKind.Number && dimensions.TryGetInt32(out var count) && count >= 1))
        {
            return RequestError.Invalid("dimensions", $"Invalid 'dimensions': {dimensions.GetRawText()}; expected an integer >= 1.");
        }

        if (root.TryGetProperty("user", out var user) && user.ValueKind != JsonValueKind.String)
        {
            return RequestError.Invalid("user", $"Invalid 'user' ({Kind(user)}): expected a string.");
        }

        return null;
    }

    private static string Kind(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };
}
