using SlmFleet.Worker.Templating;

namespace SlmFleet.Worker.Engine;

/// <summary>
/// Turns a conversation into the prompt text the model sees. Either the model's own Jinja template
/// (<see cref="JinjaChatTemplate"/>), a custom Jinja template, or one of the message-format presets
/// (<see cref="MessageFormatTemplate"/>) kept for models that ship no template.
/// </summary>
internal abstract class ChatTemplate
{
    /// <summary>Which template and where it came from, for logs, Stats and errors: "model (chat_template.jinja)", "preset chatml".</summary>
    public abstract string Description { get; }

    /// <summary>Throws <see cref="JinjaException"/> when a Jinja template raises or fails.</summary>
    public abstract string Render(ChatConversation conversation);

    public static IReadOnlyList<string> BuiltIn => MessageFormatTemplate.PresetNames;

    /// <summary>What --chat-template and a request's chat_template accept, for error messages.</summary>
    public static string Accepted => $"{string.Join(", ", BuiltIn)}, a Jinja chat template (with {{% for message in messages %}}), or a one-message format containing {{content}}";

    /// <summary>
    /// A preset name, a Jinja template (text with <c>{%</c>, or with <c>{{</c> but no <c>{content}</c>
    /// placeholder), or a one-message format with <c>{content}</c> / <c>{{content}}</c>; null when
    /// <paramref name="nameOrTemplate"/> is none of these. A Jinja template that does not parse throws
    /// <see cref="JinjaException"/>. <paramref name="origin"/> names where it came from in errors; a Jinja
    /// template gets <paramref name="model"/>'s special tokens and clock.
    /// </summary>
    public static ChatTemplate? Resolve(string nameOrTemplate, string origin, ModelChatTemplates model)
    {
        if (MessageFormatTemplate.Preset(nameOrTemplate) is { } preset)
        {
            return preset;
        }

        var hasStatement = nameOrTemplate.Contains("{%", StringComparison.Ordinal);
        var hasContentPlaceholder = nameOrTemplate.Contains("{content}", StringComparison.Ordinal);
        if (hasStatement || (!hasContentPlaceholder && nameOrTemplate.Contains("{{", StringComparison.Ordinal)))
        {
            var template = JinjaTemplate.Parse(nameOrTemplate, origin);
            return new JinjaChatTemplate(template, $"custom Jinja ({origin})", model.SpecialTokens, model.Now);
        }

        return hasContentPlaceholder ? MessageFormatTemplate.Custom(nameOrTemplate, origin) : null;
    }
}
