using SlmFleet.Worker.Templating.Runtime;

namespace SlmFleet.Worker.Templating.Syntax;

/// <summary><c>target is [not] test(args)</c>.</summary>
internal sealed class TestExpression(Expression target, string test, ArgumentList arguments, bool negated, int line, int column) : Expression(line, column)
{
    public override object? Evaluate(RenderContext context)
        => JinjaTests.Apply(test, target.Evaluate(context), arguments.Evaluate(test, context), context) != negated;
}
