using System.Text;

namespace SlmFleet.Chart.Tests.Metrics;

/// <summary>Removes comments from C# source while keeping string literals intact (a "//" in a URL is not a comment).</summary>
internal static class CSharpCode
{
    public static string WithoutComments(string source)
    {
        var output = new StringBuilder(source.Length);
        var i = 0;
        while (i < source.Length)
        {
            var c = source[i];
            var next = i + 1 < source.Length ? source[i + 1] : '\0';
            if (c == '/' && next == '/')
            {
                while (i < source.Length && source[i] != '\n')
                {
                    i++;
                }

                continue;
            }

            if (c == '/' && next == '*')
            {
                var end = source.IndexOf("*/", i + 2, StringComparison.Ordinal);
                i = end < 0 ? source.Length : end + 2;
                output.Append(' ');
                continue;
            }

            if (c == '"' || c == '\'')
            {
                var verbatim = i > 0 && (source[i - 1] == '@' || (source[i - 1] == '$' && i > 1 && source[i - 2] == '@'));
                var end = EndOfLiteral(source, i, c, verbatim);
                output.Append(source, i, end - i);
                i = end;
                continue;
            }

            output.Append(c);
            i++;
        }

        return output.ToString();
    }

    /// <summary>The same text with the inside of every string and char literal blanked (same length), so code searches skip it.</summary>
    public static string MaskStrings(string code)
    {
        var output = new StringBuilder(code);
        var i = 0;
        while (i < code.Length)
        {
            var c = code[i];
            if (c is '"' or '\'')
            {
                var verbatim = i > 0 && (code[i - 1] == '@' || (code[i - 1] == '$' && i > 1 && code[i - 2] == '@'));
                var end = EndOfLiteral(code, i, c, verbatim);
                for (var j = i + 1; j < end - 1; j++)
                {
                    if (code[j] != '\n')
                    {
                        output[j] = ' ';
                    }
                }

                i = end;
                continue;
            }

            i++;
        }

        return output.ToString();
    }

    /// <summary>Index just after the literal that opens at <paramref name="start"/>.</summary>
    public static int EndOfLiteral(string source, int start, char quote, bool verbatim)
    {
        var i = start + 1;
        while (i < source.Length)
        {
            var c = source[i];
            if (!verbatim && c == '\\')
            {
                i += 2;
                continue;
            }

            if (c == quote)
            {
                if (verbatim && i + 1 < source.Length && source[i + 1] == quote)
                {
                    i += 2;
                    continue;
                }

                return i + 1;
            }

            if (!verbatim && c == '\n')
            {
                return i;
            }

            i++;
        }

        return source.Length;
    }
}
