using SlmFleet.Worker.Templating.Runtime;
using SlmFleet.Worker.Templating.Syntax;

namespace SlmFleet.Worker.Templating;

/// <summary>
/// A parsed Jinja template. Parsing happens once (a model's chat template at load); each render
/// runs the tree against fresh variables, so one instance serves concurrent requests.
/// </summary>
internal sealed class JinjaTemplate
{
    private readonly IReadOnlyList<Statement> _body;
    private readonly JinjaOptions _options;

    private JinjaTemplate(string name, IReadOnlyList<Statement> body, JinjaOptions options)
    {
        Name = name;
        _body = body;
        _options = options;
    }

    /// <summary>Names the template in errors, e.g. "chat_template.jinja of Qwen3-0.6B".</summary>
    public string Name { get; }

    /// <summary>Throws <see cref="JinjaException"/> with the line and column of the first syntax error.</summary>
    public static JinjaTemplate Parse(string source, string name, JinjaOptions? options = null)
    {
        var chosen = options ?? JinjaOptions.ChatTemplate;
        return new JinjaTemplate(name, JinjaParser.Parse(source, name, chosen), chosen);
    }

    /// <summary>
    /// Renders with <paramref name="variables"/> (values as <see cref="JinjaValues"/> describes them).
    /// <paramref name="now"/> feeds strftime_now (default: the system's local time, as transformers uses;
    /// the worker passes its TimeProvider's).
    /// Throws <see cref="JinjaException"/> naming the line of the failing statement.
    /// </summary>
    public string Render(IReadOnlyDictionary<string, object?> variables, Func<DateTimeOffset>? now = null)
    {
        var globals = new Scope(null);
        foreach (var (name, value) in JinjaGlobals.All)
        {
            globals.Set(name, value);
        }

        var root = new Scope(globals);
        foreach (var (name, value) in variables)
        {
            root.Set(name, value);
        }

        var context = new RenderContext(Name, _options, now ?? TimeProvider.System.GetLocalNow, root);
        try
        {
            Statement.RenderAll(_body, context);
        }
        catch (InsufficientExecutionStackException)
        {
            // Macro recursion and nesting are bounded, but the stack of the calling thread decides.
            throw JinjaException.At("the template nests too deeply to render on this thread's stack", Name, 1, 1);
        }

        return context.Output.ToString();
    }
}
