using System.Text.RegularExpressions;

namespace SlmFleet.Worker.Tokenization.HuggingFace;

/// <summary>
/// A tokenizer.json <c>pattern</c>: <c>{"String": "..."}</c> (a literal) or <c>{"Regex": "..."}</c>.
/// Hugging Face compiles regexes with Oniguruma; the patterns real tokenizers use (\p{L}, \p{N},
/// (?i:...), look-ahead) mean the same in .NET once characters outside the BMP are matched as one
/// character (<see cref="AstralShadow"/>).
/// </summary>
internal sealed class TextPattern
{
    private readonly string? _literal;
    private readonly Regex? _regex;

    private TextPattern(string? literal, Regex? regex)
    {
        _literal = literal;
        _regex = regex;
    }

    public static TextPattern Literal(string text) => new(text, null);

    public static TextPattern FromRegex(string pattern) => new(null, new Regex(pattern, RegexOptions.CultureInvariant | RegexOptions.Compiled));

    public static TextPattern Read(JsonNode node)
    {
        if (node.Optional("String") is { IsNull: false } literal)
        {
            var text = literal.String();
            return text.Length == 0 ? throw literal.Error($"{literal.Path} is empty; a literal pattern needs at least one character") : new TextPattern(text, null);
        }

        if (node.Optional("Regex") is { IsNull: false } regex)
        {
            var source = regex.String();
            try
            {
                return new TextPattern(null, new Regex(source, RegexOptions.CultureInvariant | RegexOptions.Compiled));
            }
            catch (ArgumentException ex)
            {
                throw regex.Error($"{regex.Path} \"{source}\" is not a regular expression .NET can compile: {ex.Message}");
            }
        }

        throw node.Error($"{node.Path} has neither \"String\" nor \"Regex\"");
    }

    /// <summary>Appends the (start, length) of each non-overlapping match, left to right.</summary>
    public void Matches(string text, List<(int Start, int Length)> matches)
    {
        if (_regex is not null)
        {
            if (AstralShadow.Needed(text))
            {
                var (shadow, originalIndex) = AstralShadow.Build(text);
                foreach (var match in _regex.EnumerateMatches(shadow))
                {
                    var start = originalIndex[match.Index];
                    matches.Add((start, originalIndex[match.Index + match.Length] - start));
                }

                return;
            }

            // EnumerateMatches yields spans, not Match objects: no allocation per piece.
            foreach (var match in _regex.EnumerateMatches(text))
            {
                matches.Add((match.Index, match.Length));
            }

            return;
        }

        for (var at = text.IndexOf(_literal!, StringComparison.Ordinal); at >= 0; at = text.IndexOf(_literal!, at + _literal!.Length, StringComparison.Ordinal))
        {
            matches.Add((at, _literal!.Length));
        }
    }

    public string ReplaceAll(string text, string content)
    {
        if (_regex is null)
        {
            return text.Replace(_literal!, content, StringComparison.Ordinal);
        }

        var matches = new List<(int Start, int Length)>();
        Matches(text, matches);
        if (matches.Count == 0)
        {
            return text;
        }

        var builder = new System.Text.StringBuilder(text.Length);
        var previous = 0;
        foreach (var (start, length) in matches)
        {
            builder.Append(text, previous, start - previous).Append(content);
            previous = start + length;
        }

        return builder.Append(text, previous, text.Length - previous).ToString();
    }
}
