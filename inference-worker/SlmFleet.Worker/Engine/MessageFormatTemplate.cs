using System.Text;

namespace SlmFleet.Worker.Engine;

/// <summary>
/// The presets (chatml, phi3, llama3) and the one-message custom format: each message is the format
/// with its role and content put in; the generation prompt is the format up to the content with
/// role "assistant". Placeholders are <c>{role}</c>/<c>{content}</c>, or <c>{{role}}</c>/<c>{{content}}</c>
/// as spec.model.chatTemplate documents them.
/// </summary>
internal sealed class MessageFormatTemplate : ChatTemplate
{
    private readonly string _prefix;
    private readonly string _message;
    private readonly string _roleMark;
    private readonly string _contentMark;

    private MessageFormatTemplate(string description, string prefix, string message)
    {
        Description = description;
        _prefix = prefix;
        _message = message;
        var doubled = message.Contains("{{content}}", StringComparison.Ordinal);
        _contentMark = doubled ? "{{content}}" : "{content}";
        _roleMark = doubled && message.Contains("{{role}}", StringComparison.Ordinal) ? "{{role}}" : "{role}";
    }

    public static IReadOnlyList<string> PresetNames { get; } = ["chatml", "phi3", "llama3"];

    public override string Description { get; }

    public static MessageFormatTemplate? Preset(string name) => name switch
    {
        "chatml" => new("preset chatml", string.Empty, "<|im_start|>{role}\n{content}<|im_end|>\n"),
        "phi3" => new("preset phi3", string.Empty, "<|{role}|>\n{content}<|end|>\n"),
        "llama3" => new("preset llama3", "<|begin_of_text|>", "<|start_header_id|>{role}<|end_header_id|>\n\n{content}<|eot_id|>"),
        _ => null,
    };

    public static MessageFormatTemplate Custom(string format, string origin) => new($"custom message format ({origin})", string.Empty, format);

    public override string Render(ChatConversation conversation)
    {
        var builder = new StringBuilder(_prefix);
        foreach (var message in conversation.Messages)
        {
            var content = ChatConversation.ContentText(message.GetValueOrDefault("content"));
            builder.Append(_message.Replace(_roleMark, ChatConversation.Role(message), StringComparison.Ordinal).Replace(_contentMark, content, StringComparison.Ordinal));
        }

        if (conversation.AddGenerationPrompt)
        {
            var open = _message[.._message.IndexOf(_contentMark, StringComparison.Ordinal)];
            builder.Append(open.Replace(_roleMark, "assistant", StringComparison.Ordinal));
        }

        return builder.ToString();
    }
}
