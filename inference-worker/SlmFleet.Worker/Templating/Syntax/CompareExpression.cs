using SlmFleet.Worker.Templating.Runtime;

namespace SlmFleet.Worker.Templating.Syntax;

/// <summary>A comparison chain, <c>a &lt; b &lt;= c</c> meaning <c>a &lt; b and b &lt;= c</c>, including <c>in</c> and <c>not in</c>.</summary>
internal sealed class CompareExpression(Expression first, IReadOnlyList<(string Op, Expression Operand)> rest, int line, int column) : Expression(line, column)
{
    public override object? Evaluate(RenderContext context)
    {
        var left = first.Evaluate(context);
        foreach (var (op, operand) in rest)
        {
            var right = operand.Evaluate(context);
            var holds = op switch
            {
                "==" => JinjaValues.AreEqual(left, right),
                "!=" => !JinjaValues.AreEqual(left, right),
                "<" => JinjaValues.Compare(left, right, op) < 0,
                "<=" => JinjaValues.Compare(left, right, op) <= 0,
                ">" => JinjaValues.Compare(left, right, op) > 0,
                ">=" => JinjaValues.Compare(left, right, op) >= 0,
                "in" => JinjaValues.Contains(right, left),
                _ => !JinjaValues.Contains(right, left),
            };
            if (!holds)
            {
                return false;
            }

            left = right;
        }

        return true;
    }
}
