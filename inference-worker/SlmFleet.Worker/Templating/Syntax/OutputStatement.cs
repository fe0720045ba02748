using SlmFleet.Worker.Templating.Runtime;

namespace SlmFleet.Worker.Templating.Syntax;

/// <summary><c>{{ expression }}</c>: prints str(value); undefined prints nothing, none prints "None".</summary>
internal sealed class OutputStatement(Expression expression, int line, int column) : Statement(line, column)
{
    public override Flow Render(RenderContext context)
    {
        context.Write(JinjaValues.ToText(expression.Evaluate(context)));
        return Flow.Normal;
    }
}
