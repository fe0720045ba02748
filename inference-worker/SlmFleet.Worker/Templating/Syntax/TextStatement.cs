using SlmFleet.Worker.Templating.Runtime;

namespace SlmFleet.Worker.Templating.Syntax;

/// <summary>Template text outside tags, whitespace control already applied.</summary>
internal sealed class TextStatement(string text, int line, int column) : Statement(line, column)
{
    public override Flow Render(RenderContext context)
    {
        context.Write(text);
        return Flow.Normal;
    }
}
