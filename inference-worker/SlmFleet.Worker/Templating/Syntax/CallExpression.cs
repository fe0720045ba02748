using SlmFleet.Worker.Templating.Runtime;

namespace SlmFleet.Worker.Templating.Syntax;

/// <summary><c>callee(args)</c>: a global function, a macro or a bound method.</summary>
internal sealed class CallExpression(Expression callee, ArgumentList arguments, int line, int column) : Expression(line, column)
{
    public override object? Evaluate(RenderContext context)
    {
        var target = callee.Evaluate(context);
        var name = callee switch
        {
            NameExpression n => n.Name,
            _ => target is JinjaFunction f ? f.Name : "function",
        };
        return target switch
        {
            IJinjaCallable callable => Invoke(callable, name, context),
            JinjaUndefined undefined => throw undefined.Fail(),
            _ => throw new JinjaException($"'{JinjaValues.TypeName(target)}' object is not callable"),
        };
    }

    private object? Invoke(IJinjaCallable callable, string name, RenderContext context)
    {
        context.Step();
        return callable.Invoke(arguments.Evaluate(name, context), context);
    }
}
