using System.Text.Json;
using System.Text.RegularExpressions;

namespace SlmFleet.Demo.Llm;

/// <summary>
/// What the LLM stand-in answers to one request, decided from the body alone (deterministic, so a test
/// can predict spend): a tool call when tools are offered, a schema-shaped JSON value for
/// <c>json_schema</c>, the first listed label when the prompt says "one of: a, b, c", else a short text.
/// </summary>
internal sealed partial record StandInAnswer(string? Content, string? ToolName, string? ToolArguments, int PromptTokens, int CompletionTokens)
{
    public string FinishReason => ToolName is null ? "stop" : "tool_calls";

    public static StandInAnswer For(JsonElement body, bool chat)
    {
        var texts = chat ? MessageTexts(body) : [body.TryGetProperty("prompt", out var p) ? PromptText(p) : string.Empty];
        var promptTokens = TokenEstimate.Prompt(texts);
        if (chat && ToolOffered(body) is { } tool)
        {
            var arguments = tool.TryGetProperty("parameters", out var parameters) ? SchemaSample.For(parameters)?.ToJsonString() ?? "{}" : "{}";
            var name = tool.GetProperty("name").GetString()!;
            return new StandInAnswer(null, name, arguments, promptTokens, TokenEstimate.Of(name + arguments));
        }

        var content = SchemaAnswer(body) ?? LabelAnswer(texts[^1]) ?? TextAnswer(texts[^1]);
        return new StandInAnswer(content, null, null, promptTokens, TokenEstimate.Of(content));
    }

    private static string PromptText(JsonElement prompt) =>
        prompt.ValueKind == JsonValueKind.Array ? string.Concat(prompt.EnumerateArray().Select(e => e.GetString())) : prompt.GetString() ?? string.Empty;

    private static List<string> MessageTexts(JsonElement body)
    {
        var texts = new List<string>();
        if (body.TryGetProperty("messages", out var messages) && messages.ValueKind == JsonValueKind.Array)
        {
            foreach (var message in messages.EnumerateArray())
            {
                texts.Add(message.TryGetProperty("content", out var content) ? ContentText(content) : string.Empty);
            }
        }

        return texts.Count == 0 ? [string.Empty] : texts;
    }

    private static string ContentText(JsonElement content) => content.ValueKind switch
    {
        JsonValueKind.String => content.GetString()!,
        JsonValueKind.Array => string.Join("\n", content.EnumerateArray()
            .Where(part => part.TryGetProperty("text", out _))
            .Select(part => part.GetProperty("text").GetString())),
        _ => string.Empty,
    };

    /// <summary>The function a request offers (the one <c>tool_choice</c> names, else the first), unless <c>tool_choice</c> is <c>none</c>.</summary>
    private static JsonElement? ToolOffered(JsonElement body)
    {
        if (!body.TryGetProperty("tools", out var tools) || tools.ValueKind != JsonValueKind.Array || tools.GetArrayLength() == 0)
        {
            return null;
        }

        if (body.TryGetProperty("tool_choice", out var choice) && choice.ValueKind == JsonValueKind.String && choice.GetString() == "none")
        {
            return null;
        }

        var wanted = body.TryGetProperty("tool_choice", out choice) && choice.ValueKind == JsonValueKind.Object && choice.TryGetProperty("function", out var f)
            ? f.GetProperty("name").GetString()
            : null;
        var functions = tools.EnumerateArray().Where(t => t.TryGetProperty("function", out _)).Select(t => t.GetProperty("function")).ToList();
        return functions.FirstOrDefault(fn => wanted is null || fn.GetProperty("name").GetString() == wanted) is { ValueKind: JsonValueKind.Object } found ? found : null;
    }

    private static string? SchemaAnswer(JsonElement body)
    {
        if (!body.TryGetProperty("response_format", out var format) || !format.TryGetProperty("type", out var type))
        {
            return null;
        }

        return type.GetString() switch
        {
            "json_schema" when format.TryGetProperty("json_schema", out var spec) && spec.TryGetProperty("schema", out var schema)
                => SchemaSample.For(schema)?.ToJsonString() ?? "null",
            "json_object" => """{"answer":"sample"}""",
            _ => null,
        };
    }

    private static string? LabelAnswer(string prompt) =>
        OneOf().Match(prompt) is { Success: true } match ? match.Groups["first"].Value : null;

    private static string TextAnswer(string prompt)
    {
        var topic = prompt.Length <= 60 ? prompt : prompt[..57] + "...";
        return $"[LLM stand-in] A GPT-4o-class model would answer here. You asked: \"{topic.ReplaceLineEndings(" ")}\"";
    }

    [GeneratedRegex(@"one of:?\s*(?<first>[A-Za-z0-9_\-]+)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, 1000)]
    private static partial Regex OneOf();
}
