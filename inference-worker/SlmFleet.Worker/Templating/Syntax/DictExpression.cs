using SlmFleet.Worker.Templating.Runtime;

namespace SlmFleet.Worker.Templating.Syntax;

/// <summary><c>{'key': value, …}</c>. Keys must be strings: the one kind chat templates use, and the one JSON can carry.</summary>
internal sealed class DictExpression(IReadOnlyList<(Expression Key, Expression Value)> entries, int line, int column) : Expression(line, column)
{
    public override object? Evaluate(RenderContext context)
    {
        var dict = new OrderedDictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (key, value) in entries)
        {
            var name = key.Evaluate(context) as string ?? throw new JinjaException("dict keys must be strings in chat templates");
            dict[name] = value.Evaluate(context);
        }

        return dict;
    }
}
