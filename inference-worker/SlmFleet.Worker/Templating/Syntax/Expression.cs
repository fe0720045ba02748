using SlmFleet.Worker.Templating.Runtime;

namespace SlmFleet.Worker.Templating.Syntax;

internal abstract class Expression(int line, int column) : Node(line, column)
{
    public abstract object? Evaluate(RenderContext context);
}
