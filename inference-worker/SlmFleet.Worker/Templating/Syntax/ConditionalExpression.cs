using SlmFleet.Worker.Templating.Runtime;

namespace SlmFleet.Worker.Templating.Syntax;

/// <summary><c>a if condition else b</c>; without <c>else</c> the result is undefined when the condition is false.</summary>
internal sealed class ConditionalExpression(Expression whenTrue, Expression condition, Expression? whenFalse, int line, int column) : Expression(line, column)
{
    public override object? Evaluate(RenderContext context)
        => JinjaValues.IsTruthy(condition.Evaluate(context))
            ? whenTrue.Evaluate(context)
            : whenFalse is null ? new JinjaUndefined("the conditional expression evaluated to false and had no else") : whenFalse.Evaluate(context);
}
