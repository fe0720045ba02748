namespace SlmFleet.Worker.Templating.Runtime;

/// <summary>Anything a template may call: built-in functions, bound string/dict methods, macros.</summary>
internal interface IJinjaCallable
{
    object? Invoke(CallArguments arguments, RenderContext context);
}
