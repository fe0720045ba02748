using SlmFleet.Worker.Templating.Syntax;

namespace SlmFleet.Worker.Templating.Runtime;

/// <summary>A <c>{% macro %}</c>: called like a function, it renders its body in a scope of its own and returns the text.</summary>
internal sealed class JinjaMacro(string name, IReadOnlyList<string> parameters, IReadOnlyList<Expression?> defaults, IReadOnlyList<Statement> body) : IJinjaCallable
{
    public object? Invoke(CallArguments arguments, RenderContext context)
    {
        if (arguments.Positional.Count > parameters.Count)
        {
            throw new JinjaException($"macro '{name}' takes no more than {parameters.Count} arguments ({arguments.Positional.Count} given)");
        }

        foreach (var keyword in arguments.Keywords.Keys)
        {
            if (!parameters.Contains(keyword))
            {
                throw new JinjaException($"macro '{name}' takes no keyword argument '{keyword}'");
            }
        }

        var scope = new Scope(context.Root);
        for (var i = 0; i < parameters.Count; i++)
        {
            var value = arguments.Has(i, parameters[i])
                ? arguments.Get(i, parameters[i])
                : defaults[i] is { } fallback ? fallback.Evaluate(context) : JinjaUndefined.Name(parameters[i]);
            scope.Set(parameters[i], value);
        }

        context.EnterCall();
        try
        {
            return context.Capture(body, scope, out _);
        }
        finally
        {
            context.ExitCall();
        }
    }
}
