using SlmFleet.Worker.Templating.Runtime;

namespace SlmFleet.Worker.Templating.Syntax;

/// <summary><c>target.name</c>.</summary>
internal sealed class AttributeExpression(Expression target, string name, int line, int column) : Expression(line, column)
{
    public override object? Evaluate(RenderContext context) => JinjaAccess.Attribute(target.Evaluate(context), name);
}
