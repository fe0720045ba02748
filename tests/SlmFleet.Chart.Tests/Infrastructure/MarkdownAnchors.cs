using System.Text;

namespace SlmFleet.Chart.Tests.Infrastructure;

/// <summary>The anchors GitHub gives a markdown file's headings (lower case, punctuation dropped, spaces to hyphens).</summary>
internal static class MarkdownAnchors
{
    public static IReadOnlySet<string> Of(string markdown)
    {
        var anchors = new HashSet<string>(StringComparer.Ordinal);
        var inCode = false;
        foreach (var line in markdown.Split('\n'))
        {
            if (line.StartsWith("```", StringComparison.Ordinal))
            {
                inCode = !inCode;
            }

            if (!inCode && line.StartsWith('#'))
            {
                anchors.Add(Slug(line.TrimStart('#').Trim()));
            }
        }

        return anchors;
    }

    public static IReadOnlyList<string> Headings(string markdown) =>
        markdown.Split('\n').Where(l => l.StartsWith('#')).Select(l => l.TrimStart('#').Trim()).ToList();

    public static string Slug(string heading)
    {
        var builder = new StringBuilder();
        foreach (var c in heading.ToLowerInvariant())
        {
            if (char.IsLetterOrDigit(c) || c is '-' or '_')
            {
                builder.Append(c);
            }
            else if (c == ' ')
            {
                builder.Append('-');
            }
        }

        return builder.ToString();
    }
}
