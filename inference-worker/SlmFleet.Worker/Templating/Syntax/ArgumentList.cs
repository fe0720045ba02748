using SlmFleet.Worker.Templating.Runtime;

namespace SlmFleet.Worker.Templating.Syntax;

/// <summary>The arguments written in a call, filter or test: <c>(a, b, name=c)</c>.</summary>
internal sealed record ArgumentList(IReadOnlyList<Expression> Positional, IReadOnlyList<KeyValuePair<string, Expression>> Keywords)
{
    public static ArgumentList Empty { get; } = new([], []);

    public CallArguments Evaluate(string callee, RenderContext context)
    {
        var positional = Positional.Select(p => p.Evaluate(context)).ToList();
        var keywords = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (name, value) in Keywords)
        {
            keywords[name] = value.Evaluate(context);
        }

        return new CallArguments(callee, positional, keywords);
    }
}
