using SlmFleet.Worker.Templating.Runtime;

namespace SlmFleet.Worker.Templating.Syntax;

/// <summary><c>not x</c>, <c>-x</c>, <c>+x</c>.</summary>
internal sealed class UnaryExpression(string op, Expression operand, int line, int column) : Expression(line, column)
{
    public override object? Evaluate(RenderContext context)
    {
        var value = operand.Evaluate(context);
        return op switch
        {
            "not" => !JinjaValues.IsTruthy(value),
            "-" => JinjaValues.Negate(value),
            _ => Plus(value),
        };
    }

    private static object? Plus(object? value)
    {
        if (value is JinjaUndefined undefined)
        {
            throw undefined.Fail();
        }

        return JinjaValues.IsNumber(value) ? value : throw new JinjaException($"bad operand type for unary +: '{JinjaValues.TypeName(value)}'");
    }
}
