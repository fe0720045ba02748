using SlmFleet.Worker.Templating.Runtime;

namespace SlmFleet.Worker.Templating.Syntax;

/// <summary>
/// <c>{% for a[, b] in items [if condition] %}…{% else %}…{% endfor %}</c>. Each iteration has a scope
/// of its own holding the targets and <c>loop</c>; the filter runs first, so <c>loop.length</c> and
/// <c>loop.last</c> count only the items that pass it, as in Jinja.
/// </summary>
internal sealed class ForStatement(
    IReadOnlyList<string> targets, Expression items, Expression? filter, IReadOnlyList<Statement> body, IReadOnlyList<Statement> otherwise, int line, int column)
    : Statement(line, column)
{
    public override Flow Render(RenderContext context)
    {
        var outer = context.Scope;
        var all = JinjaValues.Iterate(items.Evaluate(context));
        var selected = filter is null ? all : all.Where(item => Passes(item, outer, context)).ToList();
        if (selected.Count == 0)
        {
            return RenderAll(otherwise, context);
        }

        var loop = new LoopState(selected);
        try
        {
            for (var i = 0; i < selected.Count; i++)
            {
                context.Step();
                var scope = new Scope(outer);
                Bind(scope, selected[i]);
                loop.Index0 = i;
                scope.Set("loop", loop);
                context.Scope = scope;
                if (RenderAll(body, context) == Flow.Break)
                {
                    break;
                }
            }
        }
        finally
        {
            context.Scope = outer;
        }

        return Flow.Normal;
    }

    private bool Passes(object? item, Scope outer, RenderContext context)
    {
        context.Step();
        var scope = new Scope(outer);
        Bind(scope, item);
        context.Scope = scope;
        try
        {
            return JinjaValues.IsTruthy(filter!.Evaluate(context));
        }
        finally
        {
            context.Scope = outer;
        }
    }

    private void Bind(Scope scope, object? item)
    {
        if (targets.Count == 1)
        {
            scope.Set(targets[0], item);
            return;
        }

        var values = item switch
        {
            List<object?> list => list,
            string text => PythonText.CodePoints(text).Cast<object?>().ToList(),
            _ => throw new JinjaException($"cannot unpack non-iterable {JinjaValues.TypeName(item)} object into {targets.Count} loop variables"),
        };
        if (values.Count != targets.Count)
        {
            throw new JinjaException(values.Count > targets.Count
                ? $"too many values to unpack (expected {targets.Count})"
                : $"not enough values to unpack (expected {targets.Count}, got {values.Count})");
        }

        for (var i = 0; i < targets.Count; i++)
        {
            scope.Set(targets[i], values[i]);
        }
    }
}
