using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace SlmFleet.Worker.Constraints;

/// <summary>
/// The pieces of JSON as byte automata. Output is compact JSON: no whitespace between tokens
/// (random or small models otherwise fill answers with whitespace), strings written raw in UTF-8
/// with only the short escapes (<c>\" \\ \/ \b \f \n \r \t</c>, never <c>\u</c>), integers of at most
/// 15 digits and numbers without exponent, so every value fits a double and a decimal exactly.
/// </summary>
internal sealed class JsonGrammar(GrammarBuilder builder)
{
    /// <summary>Characters written raw inside a JSON string: anything but the quote, the backslash and control characters.</summary>
    public static CharSet RawStringChars { get; } = CharSet.Of((0x20, 0x21), (0x23, 0x5B), (0x5D, CharSet.MaxScalar));

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private int _anyValueRule = -1;

    public GrammarBuilder Builder { get; } = builder;

    /// <summary>The compact JSON text of <paramref name="value"/> (property names and enum values are matched as these bytes).</summary>
    public static byte[] Serialize(JsonElement value)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, WriterOptions))
        {
            value.WriteTo(writer);
        }

        return stream.ToArray();
    }

    public static byte[] Serialize(string text)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, WriterOptions))
        {
            writer.WriteStringValue(text);
        }

        return stream.ToArray();
    }

    public Fragment Literal(string ascii) => Builder.Literal(Encoding.UTF8.GetBytes(ascii));

    /// <summary>A string of <paramref name="minLength"/> to <paramref name="maxLength"/> (-1: any) characters.</summary>
    public Fragment String(int minLength, int maxLength)
    {
        var parts = new List<Fragment> { Literal("\"") };
        for (var i = 0; i < minLength; i++)
        {
            parts.Add(Char());
        }

        if (maxLength < 0)
        {
            parts.Add(Builder.Star(Char()));
        }
        else
        {
            var end = Builder.NewState();
            var current = Builder.NewState();
            var start = current;
            for (var i = minLength; i < maxLength; i++)
            {
                Builder.Empty(current, end);
                var next = Char();
                Builder.Empty(current, next.Start);
                current = next.End;
            }

            Builder.Empty(current, end);
            parts.Add(new Fragment(start, end));
        }

        parts.Add(Literal("\""));
        return Builder.Sequence([.. parts]);
    }

    /// <summary>A string whose value matches <paramref name="pattern"/> (whole value), written without escapes.</summary>
    public Fragment PatternString(RegexNode pattern)
        => Builder.Sequence(Literal("\""), RegexEmitter.Emit(Builder, pattern, RawStringChars), Literal("\""));

    /// <summary>-?(0|[1-9][0-9]{0,14}): at most 15 digits, exact in a double.</summary>
    public Fragment Integer()
    {
        var sign = Builder.Optional(Literal("-"));
        return Builder.Sequence(sign, Digits());
    }

    public Fragment Number()
    {
        var fraction = Builder.Optional(Builder.Sequence(Literal("."), Repeat(() => Builder.Range((byte)'0', (byte)'9'), 1, 9)));
        return Builder.Sequence(Integer(), fraction);
    }

    /// <summary>Non-negative integer digits without leading zeros.</summary>
    public Fragment Digits()
    {
        var zero = Literal("0");
        var other = Builder.Sequence(Builder.Range((byte)'1', (byte)'9'), Repeat(() => Builder.Range((byte)'0', (byte)'9'), 0, 14));
        return Builder.Choice([zero, other]);
    }

    /// <summary>Any JSON value (a recursive rule, so objects and arrays nest without bound).</summary>
    public Fragment AnyValue()
    {
        if (_anyValueRule < 0)
        {
            var rule = Builder.NewRule();
            _anyValueRule = rule.Start;
            var body = Builder.Choice([AnyObject(), AnyArray(), String(0, -1), Number(), Literal("true"), Literal("false"), Literal("null")]);
            Builder.Empty(rule.Start, body.Start);
            Builder.Empty(body.End, rule.End);
        }

        return Builder.CallFragment(_anyValueRule);
    }

    /// <summary>An object with any keys (as strings) and values of <paramref name="value"/> (any JSON when null).</summary>
    public Fragment AnyObject(Func<Fragment>? value = null)
    {
        value ??= AnyValue;
        Fragment Member() => Builder.Sequence(String(0, -1), Literal(":"), value());
        var members = Builder.Sequence(Member(), Builder.Star(Builder.Sequence(Literal(","), Member())));
        return Builder.Sequence(Literal("{"), Builder.Optional(members), Literal("}"));
    }

    public Fragment AnyArray()
    {
        var items = Builder.Sequence(AnyValue(), Builder.Star(Builder.Sequence(Literal(","), AnyValue())));
        return Builder.Sequence(Literal("["), Builder.Optional(items), Literal("]"));
    }

    private Fragment Char()
    {
        var fragment = Builder.NewFragment();
        Utf8Ranges.Emit(Builder, RawStringChars, fragment.Start, fragment.End);
        var escape = Builder.NewState();
        Builder.Byte(fragment.Start, (byte)'\\', (byte)'\\', escape);
        foreach (var c in "\"\\/bfnrt")
        {
            Builder.Byte(escape, (byte)c, (byte)c, fragment.End);
        }

        return fragment;
    }

    private Fragment Repeat(Func<Fragment> item, int min, int max)
    {
        var parts = new List<Fragment>();
        for (var i = 0; i < min; i++)
        {
            parts.Add(item());
        }

        var end = Builder.NewState();
        var current = Builder.NewState();
        var start = current;
        for (var i = min; i < max; i++)
        {
            Builder.Empty(current, end);
            var next = item();
            Builder.Empty(current, next.Start);
            current = next.End;
        }

        Builder.Empty(current, end);
        parts.Add(new Fragment(start, end));
        return Builder.Sequence([.. parts]);
    }
}
