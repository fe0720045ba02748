using SlmFleet.Worker.Templating.Runtime;

namespace SlmFleet.Worker.Engine;

/// <summary>
/// What a chat template renders: the messages as template values (dicts with role, content — a
/// string or a list of parts — and whatever else the caller sent, such as tool_calls), whether to
/// open the assistant's turn, the tool definitions, and any other variables a template reads
/// (e.g. Qwen3's <c>enable_thinking</c>), all as <see cref="JinjaValues"/> describes.
/// </summary>
internal sealed record ChatConversation(IReadOnlyList<OrderedDictionary<string, object?>> Messages, bool AddGenerationPrompt)
{
    private static readonly Dictionary<string, object?> NoVariables = new(StringComparer.Ordinal);

    /// <summary>A list of tool definitions, or null for none (rendered as <c>tools = none</c>, as transformers does).</summary>
    public List<object?>? Tools { get; init; }

    /// <summary>Further template variables; they may not replace messages, tools or add_generation_prompt.</summary>
    public IReadOnlyDictionary<string, object?> Variables { get; init; } = NoVariables;

    public static ChatConversation FromMessages(IEnumerable<(string Role, string Content)> messages, bool addGenerationPrompt = true)
        => new(messages.Select(m => new OrderedDictionary<string, object?>(StringComparer.Ordinal) { ["role"] = m.Role, ["content"] = m.Content }).ToList(), addGenerationPrompt);

    /// <summary>The text of a message's content: the string itself, or its text parts joined (what a message-format preset can print).</summary>
    public static string ContentText(object? content) => content switch
    {
        string text => text,
        List<object?> parts => string.Concat(parts.OfType<OrderedDictionary<string, object?>>()
            .Where(p => p.TryGetValue("type", out var type) && type is "text")
            .Select(p => p.TryGetValue("text", out var text) ? JinjaValues.ToText(text) : string.Empty)),
        null => string.Empty,
        _ => JinjaValues.ToText(content),
    };

    public static string Role(OrderedDictionary<string, object?> message)
        => message.TryGetValue("role", out var role) ? JinjaValues.ToText(role) : string.Empty;
}
