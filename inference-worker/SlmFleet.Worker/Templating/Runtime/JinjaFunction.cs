namespace SlmFleet.Worker.Templating.Runtime;

/// <summary>A built-in function or a method bound to its receiver.</summary>
internal sealed class JinjaFunction(string name, Func<CallArguments, RenderContext, object?> body) : IJinjaCallable
{
    public string Name { get; } = name;

    public object? Invoke(CallArguments arguments, RenderContext context) => body(arguments, context);
}
