using SlmFleet.Worker.Templating.Runtime;

namespace SlmFleet.Worker.Templating.Syntax;

/// <summary><c>and</c> / <c>or</c>: short-circuit, returning the deciding operand as Python does.</summary>
internal sealed class LogicalExpression(bool isAnd, Expression left, Expression right, int line, int column) : Expression(line, column)
{
    public override object? Evaluate(RenderContext context)
    {
        var first = left.Evaluate(context);
        return JinjaValues.IsTruthy(first) == isAnd ? right.Evaluate(context) : first;
    }
}
