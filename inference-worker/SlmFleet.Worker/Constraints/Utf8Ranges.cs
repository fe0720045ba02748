namespace SlmFleet.Worker.Constraints;

/// <summary>
/// Turns a range of scalar values into UTF-8 byte-range sequences, so an automaton over bytes
/// accepts exactly the encodings of those characters (the algorithm of Rust regex-syntax's utf8
/// module: split at encoding-length boundaries, then until every continuation byte spans its whole
/// 0x80-0xBF range or a single prefix).
/// </summary>
internal static class Utf8Ranges
{
    /// <summary>Adds to <paramref name="builder"/> edges from <paramref name="from"/> to <paramref name="to"/> accepting exactly the characters of <paramref name="set"/>.</summary>
    public static void Emit(GrammarBuilder builder, CharSet set, int from, int to)
    {
        foreach (var (lo, hi) in set.Ranges)
        {
            foreach (var sequence in Split(lo, hi))
            {
                var current = from;
                for (var i = 0; i < sequence.Count; i++)
                {
                    var next = i == sequence.Count - 1 ? to : builder.NewState();
                    builder.Byte(current, sequence[i].Lo, sequence[i].Hi, next);
                    current = next;
                }
            }
        }
    }

    public static List<List<(byte Lo, byte Hi)>> Split(int start, int end)
    {
        var output = new List<List<(byte Lo, byte Hi)>>();
        var pending = new Stack<(int Start, int End)>();
        pending.Push((start, end));
        while (pending.Count > 0)
        {
            var (s, e) = pending.Pop();
            if (SplitAtBoundary(s, e, pending) || SplitAtContinuation(s, e, pending))
            {
                continue;
            }

            var lo = Encode(s);
            var hi = Encode(e);
            var sequence = new List<(byte Lo, byte Hi)>(lo.Length);
            for (var i = 0; i < lo.Length; i++)
            {
                sequence.Add((lo[i], hi[i]));
            }

            output.Add(sequence);
        }

        return output;
    }

    private static bool SplitAtBoundary(int s, int e, Stack<(int Start, int End)> pending)
    {
        foreach (var boundary in (ReadOnlySpan<int>)[0x7F, 0x7FF, 0xFFFF])
        {
            if (s <= boundary && e > boundary)
            {
                pending.Push((boundary + 1, e));
                pending.Push((s, boundary));
                return true;
            }
        }

        return false;
    }

    private static bool SplitAtContinuation(int s, int e, Stack<(int Start, int End)> pending)
    {
        if (e <= 0x7F)
        {
            return false;
        }

        for (var i = 1; i < 4; i++)
        {
            var max = (1 << (6 * i)) - 1;
            if ((s & ~max) == (e & ~max))
            {
                continue;
            }

            if ((s & max) != 0)
            {
                pending.Push(((s | max) + 1, e));
                pending.Push((s, s | max));
                return true;
            }

            if ((e & max) != max)
            {
                pending.Push((e & ~max, e));
                pending.Push((s, (e & ~max) - 1));
                return true;
            }
        }

        return false;
    }

    private static byte[] Encode(int scalar) => scalar switch
    {
        <= 0x7F => [(byte)scalar],
        <= 0x7FF => [(byte)(0xC0 | (scalar >> 6)), (byte)(0x80 | (scalar & 0x3F))],
        <= 0xFFFF => [(byte)(0xE0 | (scalar >> 12)), (byte)(0x80 | ((scalar >> 6) & 0x3F)), (byte)(0x80 | (scalar & 0x3F))],
        _ => [(byte)(0xF0 | (scalar >> 18)), (byte)(0x80 | ((scalar >> 12) & 0x3F)), (byte)(0x80 | ((scalar >> 6) & 0x3F)), (byte)(0x80 | (scalar & 0x3F))],
    };
}
