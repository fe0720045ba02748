namespace SlmFleet.Worker.Constraints;

/// <summary>
/// Builds a <see cref="Grammar"/>: states joined by byte-range, empty and call edges. Fragments are
/// glued Thompson-style (each has one entry and one exit), so compilers compose them freely.
/// </summary>
internal sealed class GrammarBuilder(int maxStates)
{
    private readonly List<(int From, byte Lo, byte Hi, int To)> _bytes = [];
    private readonly List<(int From, int To)> _empty = [];
    private readonly List<(int From, int Rule, int Return)> _calls = [];
    private readonly List<int> _ruleEnds = [];
    private int _states;

    public int StateCount => _states;

    public int NewState()
    {
        if (_states >= maxStates)
        {
            throw new ConstraintException("size", $"constraint: the grammar needs more than {maxStates} states; accepted: smaller schemas (fewer properties, smaller maxItems/maxLength)");
        }

        return _states++;
    }

    public Fragment NewFragment() => new(NewState(), NewState());

    public void Byte(int from, byte lo, byte hi, int to) => _bytes.Add((from, lo, hi, to));

    public void Empty(int from, int to) => _empty.Add((from, to));

    /// <summary>From <paramref name="from"/>, runs the rule that starts at <paramref name="ruleStart"/>, then continues at <paramref name="returnTo"/>.</summary>
    public void Call(int from, int ruleStart, int returnTo) => _calls.Add((from, ruleStart, returnTo));

    /// <summary>Declares a rule: its exit returns to whatever called it.</summary>
    public Fragment NewRule()
    {
        var rule = NewFragment();
        _ruleEnds.Add(rule.End);
        return rule;
    }

    public Fragment Literal(ReadOnlySpan<byte> bytes)
    {
        var start = NewState();
        var current = start;
        foreach (var b in bytes)
        {
            var next = NewState();
            Byte(current, b, b, next);
            current = next;
        }

        return new Fragment(start, current);
    }

    public Fragment Range(byte lo, byte hi)
    {
        var fragment = NewFragment();
        Byte(fragment.Start, lo, hi, fragment.End);
        return fragment;
    }

    public Fragment Sequence(params ReadOnlySpan<Fragment> parts)
    {
        if (parts.IsEmpty)
        {
            var state = NewState();
            return new Fragment(state, state);
        }

        for (var i = 1; i < parts.Length; i++)
        {
            Empty(parts[i - 1].End, parts[i].Start);
        }

        return new Fragment(parts[0].Start, parts[^1].End);
    }

    public Fragment Choice(IReadOnlyList<Fragment> options)
    {
        var fragment = NewFragment();
        foreach (var option in options)
        {
            Empty(fragment.Start, option.Start);
            Empty(option.End, fragment.End);
        }

        return fragment;
    }

    public Fragment Optional(Fragment inner)
    {
        Empty(inner.Start, inner.End);
        return inner;
    }

    /// <summary>Zero or more repetitions: the loop returns through a fresh state so an empty inner cannot spin.</summary>
    public Fragment Star(Fragment inner)
    {
        var fragment = NewFragment();
        Empty(fragment.Start, inner.Start);
        Empty(inner.End, fragment.Start);
        Empty(fragment.Start, fragment.End);
        return fragment;
    }

    /// <summary>A fragment that runs the rule starting at <paramref name="ruleStart"/>.</summary>
    public Fragment CallFragment(int ruleStart)
    {
        var fragment = NewFragment();
        Call(fragment.Start, ruleStart, fragment.End);
        return fragment;
    }

    /// <summary>Freezes the automaton; <paramref name="root"/> is the whole constraint.</summary>
    public Grammar Build(Fragment root)
    {
        _ruleEnds.Add(root.End);
        return new Grammar(_states, root.Start, root.End, _bytes, _empty, _calls, _ruleEnds);
    }
}
