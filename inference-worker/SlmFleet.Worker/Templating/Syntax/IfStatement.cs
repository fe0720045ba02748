using SlmFleet.Worker.Templating.Runtime;

namespace SlmFleet.Worker.Templating.Syntax;

/// <summary><c>{% if %}…{% elif %}…{% else %}…{% endif %}</c>; renders in the enclosing scope.</summary>
internal sealed class IfStatement(IReadOnlyList<(Expression Condition, IReadOnlyList<Statement> Body)> branches, IReadOnlyList<Statement> otherwise, int line, int column)
    : Statement(line, column)
{
    public override Flow Render(RenderContext context)
    {
        foreach (var (condition, body) in branches)
        {
            if (JinjaValues.IsTruthy(condition.Evaluate(context)))
            {
                return RenderAll(body, context);
            }
        }

        return RenderAll(otherwise, context);
    }
}
