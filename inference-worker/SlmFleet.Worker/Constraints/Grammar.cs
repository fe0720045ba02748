namespace SlmFleet.Worker.Constraints;

/// <summary>
/// A compiled constraint: a recursive transition network over bytes. Each state has byte-range
/// edges, empty edges and call edges (run a rule, then continue at a return state); a rule's exit
/// state is <see cref="IsRuleEnd"/>: there the caller's return state is popped off the stack, and
/// at the bottom of the stack the whole constraint is complete. Schemas become one automaton with
/// sub-schemas inlined; only <c>$ref</c> and free-form JSON (which may nest without bound) are
/// rules, so the stack stays shallow. Edges are stored in compressed rows per state.
/// </summary>
internal sealed class Grammar
{
    /// <summary>A distance that cannot be reached: no way to complete.</summary>
    public const int Unreachable = int.MaxValue / 4;

    private readonly int[] _byteStart;
    private readonly byte[] _byteLo;
    private readonly byte[] _byteHi;
    private readonly int[] _byteTo;
    private readonly int[] _emptyStart;
    private readonly int[] _emptyTo;
    private readonly int[] _callStart;
    private readonly int[] _callRule;
    private readonly int[] _callReturn;
    private readonly bool[] _ruleEnd;
    private readonly int[] _distance;

    public Grammar(int states, int start, int end, List<(int From, byte Lo, byte Hi, int To)> bytes, List<(int From, int To)> empty, List<(int From, int Rule, int Return)> calls, List<int> ruleEnds)
    {
        StateCount = states;
        Start = start;
        End = end;
        bytes.Sort((a, b) => a.From != b.From ? a.From.CompareTo(b.From) : a.Lo.CompareTo(b.Lo));
        _byteStart = Offsets(states, bytes.Select(e => e.From));
        _byteLo = [.. bytes.Select(e => e.Lo)];
        _byteHi = [.. bytes.Select(e => e.Hi)];
        _byteTo = [.. bytes.Select(e => e.To)];
        empty.Sort((a, b) => a.From.CompareTo(b.From));
        _emptyStart = Offsets(states, empty.Select(e => e.From));
        _emptyTo = [.. empty.Select(e => e.To)];
        calls.Sort((a, b) => a.From.CompareTo(b.From));
        _callStart = Offsets(states, calls.Select(e => e.From));
        _callRule = [.. calls.Select(e => e.Rule)];
        _callReturn = [.. calls.Select(e => e.Return)];
        _ruleEnd = new bool[states];
        foreach (var ruleEnd in ruleEnds)
        {
            _ruleEnd[ruleEnd] = true;
        }

        _distance = Distances();
    }

    public int StateCount { get; }

    public int Start { get; }

    /// <summary>
    /// The exit of the whole constraint. The outermost fragment is never called (a <c>$ref</c> to
    /// the root compiles it again as a rule), so its states only ever run on an empty stack.
    /// </summary>
    public int End { get; }

    public bool IsRuleEnd(int state) => _ruleEnd[state];

    public bool HasByteEdges(int state) => _byteStart[state] != _byteStart[state + 1];

    /// <summary>The fewest bytes that take <paramref name="state"/> to the end of its rule (<see cref="Unreachable"/> if none).</summary>
    public int Distance(int state) => _distance[state];

    /// <summary>The range [first, <paramref name="end"/>) of <paramref name="state"/>'s byte edges; edges may overlap (one byte may go several ways).</summary>
    public int ByteEdges(int state, out int end)
    {
        end = _byteStart[state + 1];
        return _byteStart[state];
    }

    public bool EdgeMatches(int edge, byte value) => value >= _byteLo[edge] && value <= _byteHi[edge];

    public byte EdgeLo(int edge) => _byteLo[edge];

    public byte EdgeHi(int edge) => _byteHi[edge];

    public int EdgeTarget(int edge) => _byteTo[edge];

    public ReadOnlySpan<int> EmptyTargets(int state) => _emptyTo.AsSpan(_emptyStart[state], _emptyStart[state + 1] - _emptyStart[state]);

    public int Calls(int state, out int end)
    {
        end = _callStart[state + 1];
        return _callStart[state];
    }

    public int CallRule(int call) => _callRule[call];

    public int CallReturn(int call) => _callReturn[call];

    private static int[] Offsets(int states, IEnumerable<int> sortedFrom)
    {
        var offsets = new int[states + 1];
        foreach (var from in sortedFrom)
        {
            offsets[from + 1]++;
        }

        for (var i = 0; i < states; i++)
        {
            offsets[i + 1] += offsets[i];
        }

        return offsets;
    }

    // Shortest completion per state. Fragments are built forwards, so sweeping states from the last
    // converges in a pass or two; a call costs the callee's shortest path plus the return's.
    private int[] Distances()
    {
        var distance = new int[StateCount];
        Array.Fill(distance, Unreachable);
        for (var s = 0; s < StateCount; s++)
        {
            if (_ruleEnd[s])
            {
                distance[s] = 0;
            }
        }

        bool changed;
        do
        {
            changed = false;
            for (var s = StateCount - 1; s >= 0; s--)
            {
                var best = distance[s];
                for (var e = _byteStart[s]; e < _byteStart[s + 1]; e++)
                {
                    best = Math.Min(best, distance[_byteTo[e]] + 1);
                }

                for (var e = _emptyStart[s]; e < _emptyStart[s + 1]; e++)
                {
                    best = Math.Min(best, distance[_emptyTo[e]]);
                }

                for (var c = _callStart[s]; c < _callStart[s + 1]; c++)
                {
                    best = Math.Min(best, distance[_callRule[c]] + distance[_callReturn[c]]);
                }

                if (best < distance[s])
                {
                    distance[s] = Math.Min(best, Unreachable);
                    changed = true;
                }
            }
        }
        while (changed);

        return distance;
    }
}
