using SlmFleet.Worker.Templating.Runtime;

namespace SlmFleet.Worker.Templating.Syntax;

/// <summary>
/// <c>{% set name = value %}</c>, <c>{% set a, b = pair %}</c> or <c>{% set ns.attr = value %}</c>.
/// Names are set in the current scope; only a namespace's attributes outlive a loop iteration.
/// </summary>
internal sealed class SetStatement(IReadOnlyList<string> names, string? attribute, Expression value, int line, int column) : Statement(line, column)
{
    public override Flow Render(RenderContext context)
    {
        var result = value.Evaluate(context);
        if (attribute is not null)
        {
            if (!context.Scope.TryGet(names[0], out var target) || target is not JinjaNamespace ns)
            {
                throw new JinjaException($"cannot assign attribute '{attribute}' on '{names[0]}': it is not a namespace() object");
            }

            ns.Attributes[attribute] = result;
            return Flow.Normal;
        }

        if (names.Count == 1)
        {
            context.Scope.Set(names[0], result);
            return Flow.Normal;
        }

        if (result is not List<object?> values || values.Count != names.Count)
        {
            throw new JinjaException($"cannot unpack {JinjaValues.TypeName(result)} into {names.Count} names");
        }

        for (var i = 0; i < names.Count; i++)
        {
            context.Scope.Set(names[i], values[i]);
        }

        return Flow.Normal;
    }
}
