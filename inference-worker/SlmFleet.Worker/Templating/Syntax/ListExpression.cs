using SlmFleet.Worker.Templating.Runtime;

namespace SlmFleet.Worker.Templating.Syntax;

/// <summary><c>[a, b]</c> or a tuple <c>(a, b)</c>; a new list each time it is evaluated.</summary>
internal sealed class ListExpression(IReadOnlyList<Expression> items, int line, int column) : Expression(line, column)
{
    public IReadOnlyList<Expression> Items { get; } = items;

    public override object? Evaluate(RenderContext context) => Items.Select(i => i.Evaluate(context)).ToList();
}
