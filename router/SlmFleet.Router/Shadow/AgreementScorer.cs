using System.Text.Json;
using System.Text.Json.Nodes;

namespace SlmFleet.Router.Shadow;

/// <summary>
/// Cheap agreement between two answers to the same request: label equality for classification, JSON
/// equality for structured answers (both parse, then deep-equal), token overlap (Jaccard over
/// lower-cased words) for free text. Pure: the same answers always score the same.
/// </summary>
internal static class AgreementScorer
{
    public const string Label = "label";
    public const string Json = "json";
    public const string Overlap = "overlap";

    public static (string Method, double Score) Score(string first, string second, bool classification, bool structured)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        if (classification)
        {
            return (Label, string.Equals(Normalize(first), Normalize(second), StringComparison.OrdinalIgnoreCase) ? 1 : 0);
        }

        if (structured)
        {
            return (Json, JsonEquals(first, second) ? 1 : 0);
        }

        return (Overlap, TokenOverlap(first, second));
    }

    public static double TokenOverlap(string first, string second)
    {
        var a = Words(first);
        var b = Words(second);
        if (a.Count == 0 && b.Count == 0)
        {
            return 1;
        }

        var intersection = a.Count(b.Contains);
        return (double)intersection / (a.Count + b.Count - intersection);
    }

    private static bool JsonEquals(string first, string second)
    {
        try
        {
            return JsonNode.DeepEquals(JsonNode.Parse(first), JsonNode.Parse(second));
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static string Normalize(string label) => label.Trim().Trim('"', '.', ' ');

    private static HashSet<string> Words(string text) =>
        text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(w => w.Trim('.', ',', ';', ':', '!', '?', '"', '\'', '(', ')').ToLowerInvariant())
            .Where(w => w.Length > 0)
            .ToHashSet(StringComparer.Ordinal);
}
