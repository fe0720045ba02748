using SlmFleet.Worker.Templating.Runtime;

namespace SlmFleet.Worker.Templating.Syntax;

/// <summary>One <c>| name(args)</c>, used by filter expressions, filtered block sets and filter blocks.</summary>
internal sealed record FilterSpec(string Name, ArgumentList Arguments)
{
    public object? Apply(object? value, RenderContext context) => JinjaFilters.Apply(Name, value, Arguments.Evaluate(Name, context), context);
}
