using SlmFleet.Worker.Templating.Runtime;

namespace SlmFleet.Worker.Templating.Syntax;

/// <summary><c>{% break %}</c> or <c>{% continue %}</c> (the parser allows them only inside a loop).</summary>
internal sealed class LoopControlStatement(Flow flow, int line, int column) : Statement(line, column)
{
    public override Flow Render(RenderContext context) => flow;
}
