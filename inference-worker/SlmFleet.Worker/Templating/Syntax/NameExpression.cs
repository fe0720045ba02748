using SlmFleet.Worker.Templating.Runtime;

namespace SlmFleet.Worker.Templating.Syntax;

internal sealed class NameExpression(string name, int line, int column) : Expression(line, column)
{
    public string Name { get; } = name;

    public override object? Evaluate(RenderContext context)
        => context.Scope.TryGet(Name, out var value) ? value : JinjaUndefined.Name(Name);
}
