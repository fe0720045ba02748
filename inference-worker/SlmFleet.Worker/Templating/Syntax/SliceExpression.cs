using SlmFleet.Worker.Templating.Runtime;

namespace SlmFleet.Worker.Templating.Syntax;

/// <summary><c>target[start:stop:step]</c>, any part optional.</summary>
internal sealed class SliceExpression(Expression target, Expression? start, Expression? stop, Expression? step, int line, int column) : Expression(line, column)
{
    public override object? Evaluate(RenderContext context)
        => JinjaAccess.Slice(target.Evaluate(context), start?.Evaluate(context), stop?.Evaluate(context), step?.Evaluate(context));
}
