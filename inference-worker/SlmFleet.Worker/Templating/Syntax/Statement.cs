using System.Runtime.CompilerServices;
using SlmFleet.Worker.Templating.Runtime;

namespace SlmFleet.Worker.Templating.Syntax;

internal abstract class Statement(int line, int column) : Node(line, column)
{
    public abstract Flow Render(RenderContext context);

    /// <summary>Renders statements in order until one breaks or continues; an error gets the location of the innermost statement that raised it.</summary>
    public static Flow RenderAll(IReadOnlyList<Statement> body, RenderContext context)
    {
        RuntimeHelpers.EnsureSufficientExecutionStack();
        foreach (var statement in body)
        {
            context.Step();
            Flow flow;
            try
            {
                flow = statement.Render(context);
            }
            catch (JinjaException ex) when (!ex.HasLocation)
            {
                throw ex.WithLocation(context.TemplateName, statement.Line, statement.Column);
            }

            if (flow != Flow.Normal)
            {
                return flow;
            }
        }

        return Flow.Normal;
    }
}
