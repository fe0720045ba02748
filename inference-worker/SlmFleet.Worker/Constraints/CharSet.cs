namespace SlmFleet.Worker.Constraints;

/// <summary>
/// A set of Unicode scalar values as sorted, disjoint, inclusive ranges (surrogates never belong).
/// Regular expression classes and JSON's string characters are built from it, then emitted as
/// UTF-8 byte automata by <see cref="Utf8Ranges"/>.
/// </summary>
internal sealed class CharSet
{
    public const int MaxScalar = 0x10FFFF;

    private readonly List<(int Lo, int Hi)> _ranges = [];

    public IReadOnlyList<(int Lo, int Hi)> Ranges => _ranges;

    public bool IsEmpty => _ranges.Count == 0;

    public static CharSet Of(params ReadOnlySpan<(int Lo, int Hi)> ranges)
    {
        var set = new CharSet();
        foreach (var (lo, hi) in ranges)
        {
            set.Add(lo, hi);
        }

        return set;
    }

    /// <summary>Every scalar value: what a negated class starts from.</summary>
    public static CharSet All() => Of((0, MaxScalar));

    public void Add(int lo, int hi)
    {
        if (lo > hi)
        {
            return;
        }

        // Surrogate code points are not characters; a range across them keeps both sides.
        if (lo < 0xD800 && hi > 0xDFFF)
        {
            Insert(lo, 0xD7FF);
            Insert(0xE000, hi);
            return;
        }

        if (lo >= 0xD800 && hi <= 0xDFFF)
        {
            return;
        }

        Insert(lo >= 0xD800 && lo <= 0xDFFF ? 0xE000 : lo, hi >= 0xD800 && hi <= 0xDFFF ? 0xD7FF : hi);
    }

    public void AddAll(CharSet other)
    {
        foreach (var (lo, hi) in other._ranges)
        {
            Add(lo, hi);
        }
    }

    public CharSet Negate()
    {
        var result = new CharSet();
        var next = 0;
        foreach (var (lo, hi) in _ranges)
        {
            result.Add(next, lo - 1);
            next = hi + 1;
        }

        result.Add(next, MaxScalar);
        return result;
    }

    public CharSet Intersect(CharSet other) => Negate().Union(other.Negate()).Negate();

    public CharSet Union(CharSet other)
    {
        var result = new CharSet();
        result.AddAll(this);
        result.AddAll(other);
        return result;
    }

    public bool Contains(int scalar) => _ranges.Any(r => scalar >= r.Lo && scalar <= r.Hi);

    private void Insert(int lo, int hi)
    {
        if (lo > hi)
        {
            return;
        }

        var merged = new List<(int Lo, int Hi)>(_ranges.Count + 1);
        var placed = false;
        foreach (var range in _ranges)
        {
            if (range.Hi + 1 < lo)
            {
                merged.Add(range);
            }
            else if (hi + 1 < range.Lo)
            {
                if (!placed)
                {
                    merged.Add((lo, hi));
                    placed = true;
                }

                merged.Add(range);
            }
            else
            {
                lo = Math.Min(lo, range.Lo);
                hi = Math.Max(hi, range.Hi);
            }
        }

        if (!placed)
        {
            merged.Add((lo, hi));
        }

        _ranges.Clear();
        _ranges.AddRange(merged);
    }
}
