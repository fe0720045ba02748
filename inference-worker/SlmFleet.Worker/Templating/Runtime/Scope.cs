namespace SlmFleet.Worker.Templating.Runtime;

/// <summary>
/// One level of variables. Jinja scopes: the template's top level, each for-loop iteration and each
/// macro call; if-blocks share their parent's, so a set inside a loop is gone after the iteration.
/// </summary>
internal sealed class Scope(Scope? parent)
{
    private readonly Dictionary<string, object?> _variables = new(StringComparer.Ordinal);

    public Scope? Parent { get; } = parent;

    public bool TryGet(string name, out object? value)
    {
        for (var scope = this; scope is not null; scope = scope.Parent)
        {
            if (scope._variables.TryGetValue(name, out value))
            {
                return true;
            }
        }

        value = null;
        return false;
    }

    public void Set(string name, object? value) => _variables[name] = value;
}
