using SlmFleet.Worker.Templating.Runtime;

namespace SlmFleet.Worker.Templating.Syntax;

/// <summary><c>target | filter(args)</c>.</summary>
internal sealed class FilterExpression(Expression target, FilterSpec filter, int line, int column) : Expression(line, column)
{
    public override object? Evaluate(RenderContext context) => filter.Apply(target.Evaluate(context), context);
}
