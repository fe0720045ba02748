namespace SlmFleet.Worker.Templating.Runtime;

/// <summary>The object <c>namespace(...)</c> returns: the one value a template may assign attributes on, across scopes.</summary>
internal sealed class JinjaNamespace
{
    public OrderedDictionary<string, object?> Attributes { get; } = new(StringComparer.Ordinal);
}
