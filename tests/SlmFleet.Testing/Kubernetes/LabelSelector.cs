using System.Text.Json.Nodes;

namespace SlmFleet.Testing.Kubernetes;

/// <summary>
/// A parsed <c>labelSelector</c> query: equality (<c>a=b</c>, <c>a==b</c>, <c>a!=b</c>) and
/// set-based (<c>a in (x,y)</c>, <c>a notin (x)</c>, <c>a</c>, <c>!a</c>) requirements, all ANDed.
/// </summary>
internal sealed class LabelSelector
{
    private readonly List<Func<JsonObject?, bool>> _requirements;

    private LabelSelector(List<Func<JsonObject?, bool>> requirements) => _requirements = requirements;

    public static LabelSelector Everything { get; } = new([]);

    public static LabelSelector Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return Everything;
        }

        var requirements = new List<Func<JsonObject?, bool>>();
        foreach (var term in SplitTopLevel(text))
        {
            requirements.Add(ParseTerm(term.Trim(), text));
        }

        return new LabelSelector(requirements);
    }

    public bool Matches(JsonObject? labels) => _requirements.TrueForAll(r => r(labels));

    private static Func<JsonObject?, bool> ParseTerm(string term, string whole)
    {
        if (term.Length == 0)
        {
            throw Bad(whole, "empty requirement");
        }

        if (term.StartsWith('!'))
        {
            var key = term[1..].Trim();
            return labels => Value(labels, key) is null;
        }

        var inIndex = term.IndexOf(" in ", StringComparison.Ordinal);
        var notInIndex = term.IndexOf(" notin ", StringComparison.Ordinal);
        if (notInIndex > 0)
        {
            var key = term[..notInIndex].Trim();
            var values = ParseSet(term[(notInIndex + 7)..], whole);
            return labels => Value(labels, key) is not { } v || !values.Contains(v);
        }

        if (inIndex > 0)
        {
            var key = term[..inIndex].Trim();
            var values = ParseSet(term[(inIndex + 4)..], whole);
            return labels => Value(labels, key) is { } v && values.Contains(v);
        }

        var notEquals = term.IndexOf("!=", StringComparison.Ordinal);
        if (notEquals > 0)
        {
            var key = term[..notEquals].Trim();
            var value = term[(notEquals + 2)..].Trim();
            return labels => Value(labels, key) != value;
        }

        var equals = term.IndexOf('=', StringComparison.Ordinal);
        if (equals > 0)
        {
            var key = term[..equals].Trim();
            var value = term[(equals + 1)..].TrimStart('=').Trim();
            return labels => Value(labels, key) == value;
        }

        if (term.Contains(' ', StringComparison.Ordinal) || term.Contains('(', StringComparison.Ordinal))
        {
            throw Bad(whole, $"cannot parse requirement '{term}'");
        }

        return labels => Value(labels, term) is not null;
    }

    private static HashSet<string> ParseSet(string text, string whole)
    {
        var trimmed = text.Trim();
        if (!trimmed.StartsWith('(') || !trimmed.EndsWith(')'))
        {
            throw Bad(whole, "set values must be in parentheses, e.g. 'tier in (a,b)'");
        }

        return trimmed[1..^1].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
    }

    private static string? Value(JsonObject? labels, string key) =>
        labels is not null && labels.TryGetPropertyValue(key, out var node) && node is JsonValue v ? v.ToString() : null;

    private static IEnumerable<string> SplitTopLevel(string text)
    {
        var depth = 0;
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            switch (text[i])
            {
                case '(':
                    depth++;
                    break;
                case ')':
                    depth--;
                    break;
                case ',' when depth == 0:
                    yield return text[start..i];
                    start = i + 1;
                    break;
            }
        }

        yield return text[start..];
    }

    private static KubeApiException Bad(string selector, string why) =>
        KubeApiException.BadRequest($"unable to parse requirement: labelSelector \"{selector}\": {why}; accepted: key=value, key==value, key!=value, key in (a,b), key notin (a,b), key, !key");
}
