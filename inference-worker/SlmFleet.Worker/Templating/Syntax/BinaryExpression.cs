using SlmFleet.Worker.Templating.Runtime;

namespace SlmFleet.Worker.Templating.Syntax;

/// <summary>Arithmetic and <c>~</c> concatenation.</summary>
internal sealed class BinaryExpression(string op, Expression left, Expression right, int line, int column) : Expression(line, column)
{
    public override object? Evaluate(RenderContext context) => JinjaValues.Binary(op, left.Evaluate(context), right.Evaluate(context), context);
}
