using SlmFleet.Worker.Templating.Runtime;

namespace SlmFleet.Worker.Templating.Syntax;

/// <summary>A body rendered in place: <c>{% generation %}…{% endgeneration %}</c>, which transformers uses only to mark assistant text.</summary>
internal sealed class SequenceStatement(IReadOnlyList<Statement> body, int line, int column) : Statement(line, column)
{
    public override Flow Render(RenderContext context) => RenderAll(body, context);
}
