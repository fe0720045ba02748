using System.Globalization;
using System.Text;

namespace SlmFleet.Worker.Templating.Runtime;

/// <summary>Python's str semantics where they differ from .NET's: whitespace, strip, split, title case, length in code points, repr.</summary>
internal static class PythonText
{
    /// <summary>str.isspace(): .NET's white space plus the information separators U+001C–U+001F, which Python also strips.</summary>
    public static bool IsSpace(char c) => c is ' ' or (>= '\t' and <= '\r') or (>= '\x1c' and <= '\x1f') || char.IsWhiteSpace(c);

    public static string Strip(string text, string? chars, bool left = true, bool right = true)
    {
        Func<char, bool> strip = chars is null ? IsSpace : c => chars.Contains(c, StringComparison.Ordinal);
        var start = 0;
        var end = text.Length;
        while (left && start < end && strip(text[start]))
        {
            start++;
        }

        while (right && end > start && strip(text[end - 1]))
        {
            end--;
        }

        return text[start..end];
    }

    /// <summary>str.split(sep=None, maxsplit=-1): no separator splits on whitespace runs and drops empty pieces.</summary>
    public static List<object?> Split(string text, string? separator, long maxSplit)
    {
        var parts = new List<object?>();
        if (separator is null)
        {
            var i = 0;
            while (true)
            {
                while (i < text.Length && IsSpace(text[i]))
                {
                    i++;
                }

                if (i >= text.Length)
                {
                    break;
                }

                if (maxSplit >= 0 && parts.Count == maxSplit)
                {
                    parts.Add(Strip(text[i..], null, left: false));
                    break;
                }

                var start = i;
                while (i < text.Length && !IsSpace(text[i]))
                {
                    i++;
                }

                parts.Add(text[start..i]);
            }

            return parts;
        }

        if (separator.Length == 0)
        {
            throw new JinjaException("split(): empty separator");
        }

        var from = 0;
        while (maxSplit < 0 || parts.Count < maxSplit)
        {
            var at = text.IndexOf(separator, from, StringComparison.Ordinal);
            if (at < 0)
            {
                break;
            }

            parts.Add(text[from..at]);
            from = at + separator.Length;
        }

        parts.Add(text[from..]);
        return parts;
    }

    /// <summary>str.title(): a letter after a non-letter is upper case, every other letter lower case.</summary>
    public static string TitleMethod(string text)
    {
        var builder = new StringBuilder(text.Length);
        var previousIsLetter = false;
        foreach (var c in text)
        {
            builder.Append(previousIsLetter ? char.ToLowerInvariant(c) : char.ToUpperInvariant(c));
            previousIsLetter = char.IsLetter(c);
        }

        return builder.ToString();
    }

    /// <summary>Jinja's title filter: words start after whitespace, '-', '(', '{', '[' or '&lt;'.</summary>
    public static string TitleFilter(string text)
    {
        var builder = new StringBuilder(text.Length);
        var wordStart = true;
        foreach (var c in text)
        {
            var delimiter = IsSpace(c) || c is '-' or '(' or '{' or '[' or '<';
            builder.Append(delimiter ? c : wordStart ? char.ToUpperInvariant(c) : char.ToLowerInvariant(c));
            wordStart = delimiter;
        }

        return builder.ToString();
    }

    public static string Capitalize(string text)
        => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..].ToLowerInvariant();

    /// <summary>len() of a str counts code points, not UTF-16 units.</summary>
    public static int Length(string text)
    {
        var count = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (!(char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])))
            {
                count++;
            }
        }

        return count;
    }

    /// <summary>The code points of a string, each as a string (iteration, list(), indexing).</summary>
    public static List<string> CodePoints(string text)
    {
        var result = new List<string>(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var width = char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]) ? 2 : 1;
            result.Add(text.Substring(i, width));
            i += width - 1;
        }

        return result;
    }

    /// <summary>repr() of a str: single quotes unless the text has one and no double quote.</summary>
    public static string Repr(string text)
    {
        var quote = text.Contains('\'', StringComparison.Ordinal) && !text.Contains('"', StringComparison.Ordinal) ? '"' : '\'';
        var builder = new StringBuilder(text.Length + 2).Append(quote);
        foreach (var c in text)
        {
            switch (c)
            {
                case '\\': builder.Append("\\\\"); break;
                case '\n': builder.Append("\\n"); break;
                case '\r': builder.Append("\\r"); break;
                case '\t': builder.Append("\\t"); break;
                default:
                    if (c == quote)
                    {
                        builder.Append('\\').Append(c);
                    }
                    else if (c < ' ' || c == '\x7f')
                    {
                        builder.Append("\\x").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        builder.Append(c);
                    }

                    break;
            }
        }

        return builder.Append(quote).ToString();
    }
}
