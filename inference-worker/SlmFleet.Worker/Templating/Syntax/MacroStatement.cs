using SlmFleet.Worker.Templating.Runtime;

namespace SlmFleet.Worker.Templating.Syntax;

/// <summary><c>{% macro name(a, b=default) %}…{% endmacro %}</c>: defines the macro in the current scope.</summary>
internal sealed class MacroStatement(string name, IReadOnlyList<string> parameters, IReadOnlyList<Expression?> defaults, IReadOnlyList<Statement> body, int line, int column)
    : Statement(line, column)
{
    public override Flow Render(RenderContext context)
    {
        context.Scope.Set(name, new JinjaMacro(name, parameters, defaults, body));
        return Flow.Normal;
    }
}
