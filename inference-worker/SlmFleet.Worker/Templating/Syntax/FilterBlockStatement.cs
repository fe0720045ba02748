using SlmFleet.Worker.Templating.Runtime;

namespace SlmFleet.Worker.Templating.Syntax;

/// <summary><c>{% filter name %}…{% endfilter %}</c>: prints the rendered body passed through the filters.</summary>
internal sealed class FilterBlockStatement(IReadOnlyList<FilterSpec> filters, IReadOnlyList<Statement> body, int line, int column) : Statement(line, column)
{
    public override Flow Render(RenderContext context)
    {
        object? value = context.Capture(body, new Scope(context.Scope), out _);
        foreach (var filter in filters)
        {
            value = filter.Apply(value, context);
        }

        context.Write(JinjaValues.ToText(value));
        return Flow.Normal;
    }
}
