using System.Text;

namespace SlmFleet.Worker.Engine;

/// <summary>
/// Renders chat messages into a prompt. Built in: chatml, phi3, llama3. A custom template is one
/// message's format with <c>{role}</c> and <c>{content}</c>; the generation prompt is that format
/// up to <c>{content}</c> with role "assistant".
/// </summary>
internal sealed class ChatTemplate
{
    private readonly string _prefix;
    private readonly string _message;

    private ChatTemplate(string name, string prefix, string message)
    {
        Name = name;
        _prefix = prefix;
        _message = message;
    }

    public string Name { get; }

    public static IReadOnlyList<string> BuiltIn { get; } = ["chatml", "phi3", "llama3"];

    /// <summary>Returns null when <paramref name="nameOrTemplate"/> is neither a built-in name nor a template with {content}.</summary>
    public static ChatTemplate? Resolve(string nameOrTemplate) => nameOrTemplate switch
    {
        "chatml" => new("chatml", string.Empty, "<|im_start|>{role}\n{content}<|im_end|>\n"),
        "phi3" => new("phi3", string.Empty, "<|{role}|>\n{content}<|end|>\n"),
        "llama3" => new("llama3", "<|begin_of_text|>", "<|start_header_id|>{role}<|end_header_id|>\n\n{content}<|eot_id|>"),
        _ when nameOrTemplate.Contains("{content}", StringComparison.Ordinal) => new("custom", string.Empty, nameOrTemplate),
        _ => null,
    };

    public string Render(IEnumerable<(string Role, string Content)> messages)
    {
        var builder = new StringBuilder(_prefix);
        foreach (var (role, content) in messages)
        {
            builder.Append(_message.Replace("{role}", role, StringComparison.Ordinal).Replace("{content}", content, StringComparison.Ordinal));
        }

        var open = _message[.._message.IndexOf("{content}", StringComparison.Ordinal)];
        builder.Append(open.Replace("{role}", "assistant", StringComparison.Ordinal));
        return builder.ToString();
    }
}
