using System.Collections.Concurrent;
using SlmFleet.Worker.Templating;

namespace SlmFleet.Worker.Engine;

/// <summary>
/// Which template renders a request's messages. Precedence, highest first:
/// <list type="number">
/// <item>the request's <c>chat_template</c>: one of the model's named templates, a preset name, or a custom template;</item>
/// <item><c>--chat-template</c> when given (how spec.model.chatTemplate reaches the worker);</item>
/// <item>the model's own template (its "tool_use" template for requests that carry tools, when it has one);</item>
/// <item>the chatml preset.</item>
/// </list>
/// </summary>
internal sealed class ChatTemplates
{
    /// <summary>Custom templates sent in requests are parsed once and kept, up to this many.</summary>
    private const int RequestTemplateCacheSize = 32;

    private readonly ConcurrentDictionary<string, ChatTemplate> _requestTemplates = new(StringComparer.Ordinal);
    private readonly bool _defaultIsModels;

    private ChatTemplates(ChatTemplate @default, bool defaultIsModels, ModelChatTemplates model)
    {
        Default = @default;
        _defaultIsModels = defaultIsModels;
        Model = model;
    }

    /// <summary>The worker's template for requests that name none (reported in Stats and the startup log).</summary>
    public ChatTemplate Default { get; }

    public ModelChatTemplates Model { get; }

    /// <summary>
    /// The worker's default from <paramref name="flag"/> (null when --chat-template was not given) and the
    /// model's templates. Throws <see cref="ArgumentException"/> for a flag that is none of the accepted forms
    /// and <see cref="JinjaException"/> for a Jinja flag that does not parse.
    /// </summary>
    public static ChatTemplates Choose(string? flag, ModelChatTemplates model)
    {
        if (flag is not null)
        {
            var forced = ChatTemplate.Resolve(flag, "--chat-template", model)
                ?? throw new ArgumentException($"--chat-template: \"{flag}\" is unknown; accepted: {ChatTemplate.Accepted}");
            return new ChatTemplates(forced, defaultIsModels: false, model);
        }

        return model.Default is { } own
            ? new ChatTemplates(own, defaultIsModels: true, model)
            : new ChatTemplates(MessageFormatTemplate.Preset("chatml")!, defaultIsModels: false, model);
    }

    /// <summary>
    /// The template for one request; null when <paramref name="requested"/> names nothing known.
    /// Throws <see cref="JinjaException"/> when a custom Jinja template in the request does not parse.
    /// </summary>
    public ChatTemplate? ForRequest(string requested, bool hasTools)
    {
        if (requested.Length == 0)
        {
            return _defaultIsModels && hasTools && Model.Named.TryGetValue("tool_use", out var toolUse) ? toolUse : Default;
        }

        if (Model.Named.TryGetValue(requested, out var named))
        {
            return named;
        }

        if (_requestTemplates.TryGetValue(requested, out var cached))
        {
            return cached;
        }

        var resolved = ChatTemplate.Resolve(requested, "chat_template of the request", Model);
        if (resolved is not null && _requestTemplates.Count < RequestTemplateCacheSize)
        {
            _requestTemplates.TryAdd(requested, resolved);
        }

        return resolved;
    }
}
