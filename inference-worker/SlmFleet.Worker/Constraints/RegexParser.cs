using System.Globalization;
using System.Text;

namespace SlmFleet.Worker.Constraints;

/// <summary>
/// Parses the regular expressions a constraint may use: literals, classes (<c>[a-z]</c>,
/// <c>[^"]</c>, <c>\d \w \s</c> and their negations, <c>.</c>), groups (capturing, <c>(?:)</c>,
/// named), alternation, and the quantifiers <c>* + ? {n} {n,} {n,m}</c> (lazy or possessive forms
/// match the same strings, so they are accepted). <c>^</c> and <c>$</c> only at the ends. What a
/// finite automaton cannot do (back-references, look-around, word boundaries) and Unicode
/// properties are refused with the construct named. <c>\d \w \s</c> are their ASCII forms, a subset
/// of .NET's and ECMAScript's Unicode-aware ones.
/// </summary>
internal sealed class RegexParser
{
    /// <summary>Repetition bounds above this are refused: each bounded copy costs automaton states.</summary>
    public const int MaxRepeat = 1000;

    private readonly string _pattern;
    private readonly string _keyword;
    private int _position;

    private RegexParser(string pattern, string keyword)
    {
        _pattern = pattern;
        _keyword = keyword;
    }

    public static CharSet Digits => CharSet.Of(('0', '9'));

    public static CharSet Word => CharSet.Of(('0', '9'), ('A', 'Z'), ('_', '_'), ('a', 'z'));

    public static CharSet Space => CharSet.Of(('\t', '\r'), (' ', ' '));

    /// <summary>Parses <paramref name="pattern"/>; reports whether it was anchored at its start and end.</summary>
    public static RegexNode Parse(string pattern, string keyword, out bool anchoredStart, out bool anchoredEnd)
    {
        var parser = new RegexParser(pattern, keyword);
        anchoredStart = parser.Eat('^');
        var node = parser.Alternation();
        anchoredEnd = parser.Eat('$');
        if (parser._position < pattern.Length)
        {
            throw parser.Error($"unexpected '{pattern[parser._position]}'");
        }

        return node;
    }

    private RegexNode Alternation()
    {
        var options = new List<RegexNode> { Concatenation() };
        while (Eat('|'))
        {
            options.Add(Concatenation());
        }

        return options.Count == 1 ? options[0] : RegexNode.AnyOf(options);
    }

    private RegexNode Concatenation()
    {
        var parts = new List<RegexNode>();
        while (_position < _pattern.Length && Peek() is not ('|' or ')'))
        {
            if (Peek() == '$' && _position == _pattern.Length - 1)
            {
                break;
            }

            parts.Add(Quantified(Atom()));
        }

        return parts.Count == 1 ? parts[0] : RegexNode.Sequence(parts);
    }

    private RegexNode Quantified(RegexNode atom)
    {
        while (_position < _pattern.Length)
        {
            int min, max;
            switch (Peek())
            {
                case '*': _position++; (min, max) = (0, -1); break;
                case '+': _position++; (min, max) = (1, -1); break;
                case '?': _position++; (min, max) = (0, 1); break;
                case '{' when TryBounds(out min, out max): break;
                default: return atom;
            }

            // Lazy (x*?) and possessive (x*+) forms accept the same strings in a full match.
            _ = Eat('?') || Eat('+');
            atom = RegexNode.Repeat(atom, min, max);
        }

        return atom;
    }

    private bool TryBounds(out int min, out int max)
    {
        min = max = 0;
        var close = _pattern.IndexOf('}', _position);
        if (close < 0)
        {
            return false;
        }

        var body = _pattern[(_position + 1)..close];
        var comma = body.IndexOf(',');
        var minText = comma < 0 ? body : body[..comma];
        var maxText = comma < 0 ? body : body[(comma + 1)..];
        if (!int.TryParse(minText, NumberStyles.None, CultureInfo.InvariantCulture, out min))
        {
            return false;
        }

        if (maxText.Length == 0)
        {
            max = -1;
        }
        else if (!int.TryParse(maxText, NumberStyles.None, CultureInfo.InvariantCulture, out max))
        {
            return false;
        }

        if (Math.Max(min, max) > MaxRepeat || (max >= 0 && max < min))
        {
            throw Error($"repetition {{{body}}} is out of range; accepted: 0 <= n <= m <= {MaxRepeat}");
        }

        _position = close + 1;
        return true;
    }

    private RegexNode Atom()
    {
        var c = Peek();
        switch (c)
        {
            case '(':
                _position++;
                if (Eat('?'))
                {
                    if (Eat(':'))
                    {
                    }
                    else if (Peek() == '<' && _position + 1 < _pattern.Length && _pattern[_position + 1] is not ('=' or '!') || Peek() == 'P')
                    {
                        var end = _pattern.IndexOf('>', _position);
                        _position = end < 0 ? throw Error("unterminated group name") : end + 1;
                    }
                    else
                    {
                        throw Error("look-around and inline options are not supported");
                    }
                }

                var inner = Alternation();
                return Eat(')') ? inner : throw Error("missing ')'");
            case '[':
                _position++;
                return RegexNode.Of(Class());
            case '.':
                _position++;
                return RegexNode.Of(CharSet.Of(('\n', '\n')).Negate());
            case '\\':
                _position++;
                return RegexNode.Of(Escape(inClass: false));
            case '^' or '$':
                throw Error($"'{c}' is supported only at the start / end of the pattern");
            case '*' or '+' or '?' or '{':
                throw Error($"'{c}' has nothing to repeat");
            default:
                var scalar = NextScalar();
                return RegexNode.Of(CharSet.Of((scalar, scalar)));
        }
    }

    private CharSet Class()
    {
        var negated = Eat('^');
        var set = new CharSet();
        var first = true;
        while (_position < _pattern.Length && (Peek() != ']' || first))
        {
            first = false;
            CharSet item;
            int lo;
            if (Peek() == '\\')
            {
                _position++;
                item = Escape(inClass: true);
                if (item.Ranges is not [var single] || single.Lo != single.Hi)
                {
                    set.AddAll(item);
                    continue;
                }

                lo = single.Lo;
            }
            else
            {
                lo = NextScalar();
            }

            if (Peek() == '-' && _position + 1 < _pattern.Length && _pattern[_position + 1] != ']')
            {
                _position++;
                int hi;
                if (Peek() == '\\')
                {
                    _position++;
                    var escaped = Escape(inClass: true);
                    hi = escaped.Ranges is [var one] && one.Lo == one.Hi ? one.Lo : throw Error("a class range ends in a class");
                }
                else
                {
                    hi = NextScalar();
                }

                if (hi < lo)
                {
                    throw Error("a class range is reversed");
                }

                set.Add(lo, hi);
            }
            else
            {
                set.Add(lo, lo);
            }
        }

        if (!Eat(']'))
        {
            throw Error("missing ']'");
        }

        return negated ? set.Negate() : set;
    }

    private CharSet Escape(bool inClass)
    {
        if (_position >= _pattern.Length)
        {
            throw Error("the pattern ends in '\\'");
        }

        var c = _pattern[_position++];
        switch (c)
        {
            case 'd': return Digits;
            case 'D': return Digits.Negate();
            case 'w': return Word;
            case 'W': return Word.Negate();
            case 's': return Space;
            case 'S': return Space.Negate();
            case 'n': return Single('\n');
            case 'r': return Single('\r');
            case 't': return Single('\t');
            case 'f': return Single('\f');
            case 'v': return Single('\v');
            case 'b' when inClass: return Single('\b');
            case 'x': return Single(Hex(2));
            case 'u': return Single(Hex(4));
            case 'b' or 'B': throw Error("word boundaries are not supported");
            case 'p' or 'P': throw Error("Unicode properties (\\p{...}) are not supported");
            case >= '1' and <= '9': throw Error("back-references are not supported");
            default:
                return char.IsAsciiLetterOrDigit(c) ? throw Error($"unknown escape '\\{c}'") : Single(c);
        }
    }

    private int Hex(int digits)
    {
        if (_position + digits > _pattern.Length || !int.TryParse(_pattern.AsSpan(_position, digits), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value))
        {
            throw Error($"expected {digits} hex digits");
        }

        _position += digits;
        return value;
    }

    private static CharSet Single(int scalar) => CharSet.Of((scalar, scalar));

    private int NextScalar()
    {
        if (Rune.DecodeFromUtf16(_pattern.AsSpan(_position), out var rune, out var used) != System.Buffers.OperationStatus.Done)
        {
            throw Error("invalid UTF-16 in the pattern");
        }

        _position += used;
        return rune.Value;
    }

    private char Peek() => _position < _pattern.Length ? _pattern[_position] : '\0';

    private bool Eat(char c)
    {
        if (_position < _pattern.Length && _pattern[_position] == c)
        {
            _position++;
            return true;
        }

        return false;
    }

    private ConstraintException Error(string what)
        => new(_keyword, $"constraint: {_keyword} \"{Shorten(_pattern)}\" at offset {_position}: {what}");

    private static string Shorten(string text) => text.Length <= 80 ? text : text[..77] + "...";
}
