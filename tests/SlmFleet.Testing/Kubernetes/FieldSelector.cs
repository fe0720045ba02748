using System.Text.Json.Nodes;

namespace SlmFleet.Testing.Kubernetes;

/// <summary>
/// A parsed <c>fieldSelector</c>: <c>path=value</c>, <c>path==value</c> and <c>path!=value</c> terms
/// on any dotted field path (<c>metadata.name</c>, <c>involvedObject.uid</c>, ...), ANDed.
/// A real API server accepts only the fields each kind indexes; this one accepts any path.
/// </summary>
internal sealed class FieldSelector
{
    private readonly List<(string[] Path, string Value, bool Equal)> _terms;

    private FieldSelector(List<(string[] Path, string Value, bool Equal)> terms) => _terms = terms;

    public static FieldSelector Everything { get; } = new([]);

    public static FieldSelector Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return Everything;
        }

        var terms = new List<(string[] Path, string Value, bool Equal)>();
        foreach (var term in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var notEquals = term.IndexOf("!=", StringComparison.Ordinal);
            var equals = term.IndexOf('=', StringComparison.Ordinal);
            if (notEquals > 0)
            {
                terms.Add((term[..notEquals].Split('.'), term[(notEquals + 2)..], false));
            }
            else if (equals > 0)
            {
                terms.Add((term[..equals].Split('.'), term[(equals + 1)..].TrimStart('='), true));
            }
            else
            {
                throw KubeApiException.BadRequest($"invalid fieldSelector \"{text}\": term '{term}' is not path=value, path==value or path!=value");
            }
        }

        return new FieldSelector(terms);
    }

    public bool Matches(JsonObject obj) =>
        _terms.TrueForAll(t => (ValueAt(obj, t.Path) == t.Value) == t.Equal);

    private static string ValueAt(JsonObject obj, string[] path)
    {
        JsonNode? node = obj;
        foreach (var segment in path)
        {
            node = node is JsonObject o && o.TryGetPropertyValue(segment, out var child) ? child : null;
        }

        return node is JsonValue v ? v.ToString() : "";
    }
}
