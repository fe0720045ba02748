using SlmFleet.Worker.Templating.Runtime;

namespace SlmFleet.Worker.Templating.Syntax;

/// <summary>A string, number, true/false or none written in the template.</summary>
internal sealed class LiteralExpression(object? value, int line, int column) : Expression(line, column)
{
    public object? Value { get; } = value;

    public override object? Evaluate(RenderContext context) => Value;
}
