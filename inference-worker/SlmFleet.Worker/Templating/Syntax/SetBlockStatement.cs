using SlmFleet.Worker.Templating.Runtime;

namespace SlmFleet.Worker.Templating.Syntax;

/// <summary><c>{% set name [| filters] %}…{% endset %}</c>: the rendered body, filtered, becomes the value.</summary>
internal sealed class SetBlockStatement(string name, IReadOnlyList<FilterSpec> filters, IReadOnlyList<Statement> body, int line, int column) : Statement(line, column)
{
    public override Flow Render(RenderContext context)
    {
        object? value = context.Capture(body, new Scope(context.Scope), out _);
        foreach (var filter in filters)
        {
            value = filter.Apply(value, context);
        }

        context.Scope.Set(name, value);
        return Flow.Normal;
    }
}
