namespace SlmFleet.Worker.Constraints;

/// <summary>
/// Integers within inclusive bounds as a digit automaton (the range-to-regex construction: split by
/// digit count, then by the first digit that differs between the ends). Open ends stop at 15
/// digits, like every integer the worker writes.
/// </summary>
internal static class IntegerRange
{
    public const long Limit = 999_999_999_999_999;

    public static Fragment Emit(JsonGrammar json, long? low, long? high)
    {
        var lo = low ?? -Limit;
        var hi = high ?? Limit;
        var builder = json.Builder;
        var options = new List<Fragment>();
        if (hi >= 0)
        {
            options.Add(NonNegative(builder, Math.Max(lo, 0), hi));
        }

        if (lo < 0)
        {
            options.Add(builder.Sequence(json.Literal("-"), NonNegative(builder, Math.Max(-Math.Min(hi, -1), 1), -lo)));
        }

        return builder.Choice(options);
    }

    private static Fragment NonNegative(GrammarBuilder builder, long low, long high)
    {
        var options = new List<Fragment>();
        for (var length = Digits(low); length <= Digits(high); length++)
        {
            var first = length == 1 ? 0 : Pow10(length - 1);
            var last = Pow10(length) - 1;
            var from = Math.Max(low, first);
            var to = Math.Min(high, last);
            if (from <= to)
            {
                options.Add(SameLength(builder, from.ToString(System.Globalization.CultureInfo.InvariantCulture), to.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            }
        }

        return builder.Choice(options);
    }

    private static Fragment SameLength(GrammarBuilder builder, string lo, string hi)
    {
        if (lo.Length == 0)
        {
            var state = builder.NewState();
            return new Fragment(state, state);
        }

        if (lo.All(c => c == '0') && hi.All(c => c == '9'))
        {
            // Any digits: a chain, not a branch per digit (which would grow as 3^length).
            var parts = new Fragment[lo.Length];
            for (var i = 0; i < parts.Length; i++)
            {
                parts[i] = builder.Range((byte)'0', (byte)'9');
            }

            return builder.Sequence(parts);
        }

        if (lo[0] == hi[0])
        {
            return builder.Sequence(builder.Range((byte)lo[0], (byte)lo[0]), SameLength(builder, lo[1..], hi[1..]));
        }

        var rest = lo.Length - 1;
        var options = new List<Fragment>
        {
            builder.Sequence(builder.Range((byte)lo[0], (byte)lo[0]), SameLength(builder, lo[1..], new string('9', rest))),
            builder.Sequence(builder.Range((byte)hi[0], (byte)hi[0]), SameLength(builder, new string('0', rest), hi[1..])),
        };
        if (hi[0] - lo[0] > 1)
        {
            options.Add(builder.Sequence(builder.Range((byte)(lo[0] + 1), (byte)(hi[0] - 1)), SameLength(builder, new string('0', rest), new string('9', rest))));
        }

        return builder.Choice(options);
    }

    private static int Digits(long value) => value < 10 ? 1 : 1 + Digits(value / 10);

    private static long Pow10(int exponent)
    {
        long result = 1;
        for (var i = 0; i < exponent; i++)
        {
            result *= 10;
        }

        return result;
    }
}
