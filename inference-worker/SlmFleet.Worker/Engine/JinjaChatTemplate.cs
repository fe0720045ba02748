using SlmFleet.Worker.Templating;

namespace SlmFleet.Worker.Engine;

/// <summary>
/// A Jinja chat template rendered as transformers' apply_chat_template does: variables
/// <c>messages</c>, <c>add_generation_prompt</c>, <c>tools</c> and <c>documents</c> (none when there are none), the
/// tokenizer's special tokens (<c>bos_token</c>, <c>eos_token</c>, …) and any extra variables.
/// Parsed once; rendering is thread-safe.
/// </summary>
internal sealed class JinjaChatTemplate(JinjaTemplate template, string description, IReadOnlyDictionary<string, object?> specialTokens, Func<DateTimeOffset>? now = null)
    : ChatTemplate
{
    public override string Description { get; } = description;

    public JinjaTemplate Template { get; } = template;

    public override string Render(ChatConversation conversation)
    {
        var variables = new Dictionary<string, object?>(specialTokens, StringComparer.Ordinal);
        foreach (var (name, value) in conversation.Variables)
        {
            variables[name] = value;
        }

        variables["messages"] = conversation.Messages.Cast<object?>().ToList();
        variables["add_generation_prompt"] = conversation.AddGenerationPrompt;
        variables["tools"] = conversation.Tools;
        variables["documents"] = null;
        return Template.Render(variables, now);
    }
}
