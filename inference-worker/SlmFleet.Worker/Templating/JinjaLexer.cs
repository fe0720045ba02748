using System.Globalization;
using System.Text;
using SlmFleet.Worker.Templating.Runtime;

namespace SlmFleet.Worker.Templating;

/// <summary>
/// Splits a template into text and the tokens inside <c>{{ }}</c> and <c>{% %}</c>; comments are
/// dropped. Whitespace control is applied here, as Jinja's lexer does: <c>-</c> beside a delimiter
/// strips all whitespace on that side, trim_blocks drops the newline after a block or comment tag,
/// lstrip_blocks drops the indentation before one, and <c>+</c> turns either off for that tag.
/// </summary>
internal sealed class JinjaLexer
{
    private static readonly string[] TwoCharOperators = ["//", "**", "==", "!=", "<=", ">="];
    private const string OneCharOperators = "+-*/%~|.,:()[]{}=<>!";

    private readonly string _source;
    private readonly string _name;
    private readonly JinjaOptions _options;
    private readonly List<int> _lineStarts = [0];
    private readonly List<JinjaToken> _tokens = [];
    private int _pos;
    private bool _stripNextText;
    private bool _trimNextNewline;

    private JinjaLexer(string source, string name, JinjaOptions options)
    {
        _source = source;
        _name = name;
        _options = options;
        for (var i = 0; i < source.Length; i++)
        {
            if (source[i] == '\n')
            {
                _lineStarts.Add(i + 1);
            }
        }
    }

    public static List<JinjaToken> Tokenize(string source, string name, JinjaOptions options)
    {
        // Jinja normalizes newlines in template data and, by default, drops one trailing newline.
        var normalized = source.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n');
        if (normalized.EndsWith('\n'))
        {
            normalized = normalized[..^1];
        }

        var lexer = new JinjaLexer(normalized, name, options);
        lexer.Run();
        return lexer._tokens;
    }

    private void Run()
    {
        while (_pos < _source.Length)
        {
            var tagStart = FindTagStart(_pos);
            if (tagStart < 0)
            {
                EmitText(_source[_pos..], _pos == 0, opener: '\0', modifier: '\0');
                _pos = _source.Length;
                break;
            }

            var opener = _source[tagStart + 1];
            var modifier = tagStart + 2 < _source.Length && _source[tagStart + 2] is '-' or '+' ? _source[tagStart + 2] : '\0';
            EmitText(_source[_pos..tagStart], _pos == 0, opener, modifier);
            _pos = tagStart + 2 + (modifier == '\0' ? 0 : 1);
            switch (opener)
            {
                case '#':
                    SkipComment(tagStart);
                    break;
                case '{':
                    Emit(JinjaTokenKind.VariableBegin, "{{", tagStart);
                    TokenizeTag("}}", JinjaTokenKind.VariableEnd, tagStart);
                    break;
                default:
                    if (!TryRaw(tagStart))
                    {
                        Emit(JinjaTokenKind.BlockBegin, "{%", tagStart);
                        TokenizeTag("%}", JinjaTokenKind.BlockEnd, tagStart);
                    }

                    break;
            }
        }

        _tokens.Add(new JinjaToken(JinjaTokenKind.EndOfFile, string.Empty, LineOf(_source.Length), ColumnOf(_source.Length)));
    }

    private int FindTagStart(int from)
    {
        for (var i = _source.IndexOf('{', from); i >= 0 && i + 1 < _source.Length; i = _source.IndexOf('{', i + 1))
        {
            if (_source[i + 1] is '{' or '%' or '#')
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Applies the previous tag's right-hand whitespace control and this tag's left-hand one, then emits the text.</summary>
    private void EmitText(string text, bool atTemplateStart, char opener, char modifier)
    {
        var start = _pos;
        var lineStarting = atTemplateStart;
        if (_stripNextText)
        {
            var kept = TrimStart(text);
            var removed = text.Length - kept.Length;
            lineStarting = removed > 0 && text[removed - 1] == '\n';
            start += removed;
            text = kept;
        }
        else if (_trimNextNewline && text.StartsWith('\n'))
        {
            lineStarting = true;
            start++;
            text = text[1..];
        }

        _stripNextText = false;
        _trimNextNewline = false;
        if (modifier == '-')
        {
            text = TrimEnd(text);
        }
        else if (modifier != '+' && _options.LstripBlocks && opener is '%' or '#')
        {
            var lineStart = text.LastIndexOf('\n') + 1;
            if ((lineStart > 0 || lineStarting) && lineStart < text.Length && IsBlank(text, lineStart))
            {
                text = text[..lineStart];
            }
        }

        if (text.Length > 0)
        {
            _tokens.Add(new JinjaToken(JinjaTokenKind.Text, text, LineOf(start), ColumnOf(start)));
        }
    }

    private void AfterCloser(char modifier, bool blockLike)
    {
        _stripNextText = modifier == '-';
        _trimNextNewline = modifier == '\0' && blockLike && _options.TrimBlocks;
    }

    private void SkipComment(int tagStart)
    {
        var end = _source.IndexOf("#}", _pos, StringComparison.Ordinal);
        if (end < 0)
        {
            throw Error("unclosed comment: '{#' has no matching '#}'", tagStart);
        }

        var modifier = end - 1 >= _pos && _source[end - 1] is '-' or '+' ? _source[end - 1] : '\0';
        _pos = end + 2;
        AfterCloser(modifier, blockLike: true);
    }

    /// <summary><c>{% raw %}…{% endraw %}</c>: the content is text, whatever it contains.</summary>
    private bool TryRaw(int tagStart)
    {
        var p = SkipSpaces(_pos);
        if (string.CompareOrdinal(_source, p, "raw", 0, 3) != 0)
        {
            return false;
        }

        p = SkipSpaces(p + 3);
        var closeModifier = p < _source.Length && _source[p] is '-' or '+' ? _source[p] : '\0';
        p += closeModifier == '\0' ? 0 : 1;
        if (string.CompareOrdinal(_source, p, "%}", 0, 2) != 0)
        {
            return false;
        }

        _pos = p + 2;
        AfterCloser(closeModifier, blockLike: true);
        for (var search = _pos; ;)
        {
            var candidate = _source.IndexOf("{%", search, StringComparison.Ordinal);
            if (candidate < 0)
            {
                throw Error("unclosed raw block: '{% raw %}' has no matching '{% endraw %}'", tagStart);
            }

            var q = candidate + 2;
            var endModifier = q < _source.Length && _source[q] is '-' or '+' ? _source[q] : '\0';
            q = SkipSpaces(q + (endModifier == '\0' ? 0 : 1));
            if (string.CompareOrdinal(_source, q, "endraw", 0, 6) == 0)
            {
                q = SkipSpaces(q + 6);
                var endClose = q < _source.Length && _source[q] is '-' or '+' ? _source[q] : '\0';
                q += endClose == '\0' ? 0 : 1;
                if (string.CompareOrdinal(_source, q, "%}", 0, 2) == 0)
                {
                    EmitText(_source[_pos..candidate], atTemplateStart: false, '%', endModifier);
                    _pos = q + 2;
                    AfterCloser(endClose, blockLike: true);
                    return true;
                }
            }

            search = candidate + 2;
        }
    }

    private void TokenizeTag(string closer, JinjaTokenKind endKind, int tagStart)
    {
        var depth = 0;
        while (true)
        {
            _pos = SkipSpaces(_pos);
            if (_pos >= _source.Length)
            {
                throw Error($"unclosed tag: expected '{closer}'", tagStart);
            }

            if (depth == 0)
            {
                var modifier = _source[_pos] is '-' or '+' ? _source[_pos] : '\0';
                var at = _pos + (modifier == '\0' ? 0 : 1);
                if (string.CompareOrdinal(_source, at, closer, 0, 2) == 0 && !(modifier == '+' && closer == "}}"))
                {
                    Emit(endKind, closer, _pos);
                    _pos = at + 2;
                    AfterCloser(modifier, blockLike: closer == "%}");
                    return;
                }
            }

            var c = _source[_pos];
            if (char.IsLetter(c) || c == '_')
            {
                ReadName();
            }
            else if (char.IsAsciiDigit(c))
            {
                ReadNumber();
            }
            else if (c is '\'' or '"')
            {
                ReadString(c);
            }
            else
            {
                depth = ReadOperator(depth);
            }
        }
    }

    private void ReadName()
    {
        var start = _pos;
        while (_pos < _source.Length && (char.IsLetterOrDigit(_source[_pos]) || _source[_pos] == '_'))
        {
            _pos++;
        }

        Emit(JinjaTokenKind.Name, _source[start.._pos], start);
    }

    private void ReadNumber()
    {
        var start = _pos;
        var isFloat = false;
        SkipDigits();
        if (_pos + 1 < _source.Length && _source[_pos] == '.' && char.IsAsciiDigit(_source[_pos + 1]))
        {
            isFloat = true;
            _pos++;
            SkipDigits();
        }

        if (_pos < _source.Length && _source[_pos] is 'e' or 'E')
        {
            var exponent = _pos + 1;
            if (exponent < _source.Length && _source[exponent] is '+' or '-')
            {
                exponent++;
            }

            if (exponent < _source.Length && char.IsAsciiDigit(_source[exponent]))
            {
                isFloat = true;
                _pos = exponent;
                SkipDigits();
            }
        }

        var text = _source[start.._pos].Replace("_", string.Empty, StringComparison.Ordinal);
        if (!isFloat && !long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out _))
        {
            throw Error($"integer literal {text} is too large", start);
        }

        Emit(isFloat ? JinjaTokenKind.Float : JinjaTokenKind.Integer, text, start);
    }

    private void SkipDigits()
    {
        while (_pos < _source.Length && (char.IsAsciiDigit(_source[_pos]) || (_source[_pos] == '_' && _pos + 1 < _source.Length && char.IsAsciiDigit(_source[_pos + 1]))))
        {
            _pos++;
        }
    }

    /// <summary>Python string literal escapes (Jinja decodes literals as Python does); unknown escapes stay as written.</summary>
    private void ReadString(char quote)
    {
        var start = _pos++;
        var value = new StringBuilder();
        while (true)
        {
            if (_pos >= _source.Length)
            {
                throw Error("unterminated string literal", start);
            }

            var c = _source[_pos++];
            if (c == quote)
            {
                break;
            }

            if (c != '\\' || _pos >= _source.Length)
            {
                value.Append(c);
                continue;
            }

            var e = _source[_pos++];
            switch (e)
            {
                case 'n': value.Append('\n'); break;
                case 't': value.Append('\t'); break;
                case 'r': value.Append('\r'); break;
                case 'b': value.Append('\b'); break;
                case 'f': value.Append('\f'); break;
                case 'v': value.Append('\v'); break;
                case 'a': value.Append('\a'); break;
                case '0' when _pos >= _source.Length || !char.IsAsciiDigit(_source[_pos]): value.Append('\0'); break;
                case '\\' or '\'' or '"': value.Append(e); break;
                case '\n': break;
                case 'x': AppendHexEscape(value, 2, start); break;
                case 'u': AppendHexEscape(value, 4, start); break;
                case 'U': AppendHexEscape(value, 8, start); break;
                default: value.Append('\\').Append(e); break;
            }
        }

        Emit(JinjaTokenKind.String, value.ToString(), start);
    }

    private void AppendHexEscape(StringBuilder value, int digits, int literalStart)
    {
        if (_pos + digits > _source.Length
            || !int.TryParse(_source.AsSpan(_pos, digits), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var codePoint)
            || codePoint > 0x10FFFF)
        {
            throw Error($"invalid \\{(digits == 2 ? 'x' : digits == 4 ? 'u' : 'U')} escape in string literal", literalStart);
        }

        value.Append(char.ConvertFromUtf32(codePoint is >= 0xD800 and <= 0xDFFF ? 0xFFFD : codePoint));
        _pos += digits;
    }

    private int ReadOperator(int depth)
    {
        var start = _pos;
        foreach (var op in TwoCharOperators)
        {
            if (string.CompareOrdinal(_source, _pos, op, 0, 2) == 0)
            {
                _pos += 2;
                Emit(JinjaTokenKind.Operator, op, start);
                return depth;
            }
        }

        var c = _source[_pos];
        if (!OneCharOperators.Contains(c, StringComparison.Ordinal))
        {
            throw Error($"unexpected character '{c}'", start);
        }

        _pos++;
        Emit(JinjaTokenKind.Operator, c.ToString(), start);
        return c switch
        {
            '(' or '[' or '{' => depth + 1,
            ')' or ']' or '}' => Math.Max(0, depth - 1),
            _ => depth,
        };
    }

    private int SkipSpaces(int p)
    {
        while (p < _source.Length && PythonText.IsSpace(_source[p]))
        {
            p++;
        }

        return p;
    }

    private static string TrimStart(string text)
    {
        var i = 0;
        while (i < text.Length && PythonText.IsSpace(text[i]))
        {
            i++;
        }

        return text[i..];
    }

    private static string TrimEnd(string text)
    {
        var i = text.Length;
        while (i > 0 && PythonText.IsSpace(text[i - 1]))
        {
            i--;
        }

        return text[..i];
    }

    private static bool IsBlank(string text, int from)
    {
        for (var i = from; i < text.Length; i++)
        {
            if (!PythonText.IsSpace(text[i]))
            {
                return false;
            }
        }

        return true;
    }

    private void Emit(JinjaTokenKind kind, string value, int offset) => _tokens.Add(new JinjaToken(kind, value, LineOf(offset), ColumnOf(offset)));

    private int LineOf(int offset)
    {
        var index = _lineStarts.BinarySearch(offset);
        return (index >= 0 ? index : ~index - 1) + 1;
    }

    private int ColumnOf(int offset) => offset - _lineStarts[LineOf(offset) - 1] + 1;

    private JinjaException Error(string reason, int offset) => JinjaException.At(reason, _name, LineOf(offset), ColumnOf(offset));
}
