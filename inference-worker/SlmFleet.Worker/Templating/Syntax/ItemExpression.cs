using SlmFleet.Worker.Templating.Runtime;

namespace SlmFleet.Worker.Templating.Syntax;

/// <summary><c>target[key]</c>.</summary>
internal sealed class ItemExpression(Expression target, Expression key, int line, int column) : Expression(line, column)
{
    public override object? Evaluate(RenderContext context) => JinjaAccess.Item(target.Evaluate(context), key.Evaluate(context));
}
