namespace SlmFleet.Worker.Constraints;

/// <summary>
/// Computes each state's <see cref="StateMask"/> by walking the vocabulary trie from that state with
/// an empty (unknown) stack. Configuration sets met on the way are interned into a lazily built DFA,
/// so a walk costs a table look-up per trie node, and a rejected byte prunes its whole subtree.
/// </summary>
/// <remarks>
/// Per token, with the sets s0 (the state's closure) .. sn after each byte: accepted if sn is not
/// empty; else uncertain if some earlier set could pop below the stack's bottom (the token runs on
/// in the caller's rule, which only the real stack knows); else rejected. The XGrammar paper calls
/// these context-independent and context-dependent tokens.
/// </remarks>
internal sealed class MaskPrecomputer
{
    private readonly Stepper _stepper;
    private readonly TokenVocabulary _vocabulary;
    private readonly Dictionary<SetKey, int> _ids = [];
    private readonly List<Config[]> _sets = [];
    private readonly List<bool> _canPop = [];
    private readonly List<int[]> _next = [];
    private readonly ConfigBuffer _from = new();
    private readonly ConfigBuffer _to = new();

    public MaskPrecomputer(Stepper stepper, TokenVocabulary vocabulary)
    {
        _stepper = stepper;
        _vocabulary = vocabulary;
        _to.Clear();
        Intern(_to);
    }

    public StateMask Compute(int state)
    {
        var accepted = new List<int>();
        var uncertain = new List<int>();
        _stepper.Start(new Config(state, 0), _to);
        var depthSets = new int[_vocabulary.MaxTokenBytes + 1];
        var depthPop = new bool[_vocabulary.MaxTokenBytes + 1];
        depthSets[0] = Intern(_to);
        var node = 0;
        while (node < _vocabulary.NodeCount)
        {
            var depth = _vocabulary.NodeDepth(node);
            var parent = depthSets[depth - 1];
            var popSeen = depthPop[depth - 1] || _canPop[parent];
            var next = Next(parent, _vocabulary.NodeByte(node));
            if (next == 0)
            {
                if (popSeen)
                {
                    foreach (var token in _vocabulary.TokensUnder(node))
                    {
                        uncertain.Add(token);
                    }
                }

                node = _vocabulary.SubtreeEnd(node);
                continue;
            }

            depthSets[depth] = next;
            depthPop[depth] = popSeen;
            foreach (var token in _vocabulary.TokensAt(node))
            {
                accepted.Add(token);
            }

            node++;
        }

        accepted.Sort();
        uncertain.Sort();
        if (accepted.Count <= _vocabulary.Size / 2)
        {
            return new StateMask([.. accepted], complement: false, [.. uncertain]);
        }

        var rejected = new List<int>(_vocabulary.Size - accepted.Count);
        var a = 0;
        for (var id = 0; id < _vocabulary.Size; id++)
        {
            if (a < accepted.Count && accepted[a] == id)
            {
                a++;
            }
            else
            {
                rejected.Add(id);
            }
        }

        return new StateMask([.. rejected], complement: true, [.. uncertain]);
    }

    private int Next(int set, byte value)
    {
        var row = _next[set];
        var next = row[value];
        if (next >= 0)
        {
            return next;
        }

        _from.Clear();
        foreach (var config in _sets[set])
        {
            _from.Add(config);
        }

        _stepper.Step(_from, value, _to);
        next = Intern(_to);
        _next[set][value] = next;
        return next;
    }

    private int Intern(ConfigBuffer set)
    {
        var configs = set.Items.ToArray();
        Array.Sort(configs, (a, b) => a.State != b.State ? a.State.CompareTo(b.State) : a.Stack.CompareTo(b.Stack));
        var key = new SetKey(configs);
        if (_ids.TryGetValue(key, out var id))
        {
            return id;
        }

        id = _sets.Count;
        _ids.Add(key, id);
        _sets.Add(configs);
        _canPop.Add(set.BottomPop);
        var row = new int[256];
        Array.Fill(row, -1);
        _next.Add(row);
        return id;
    }
}
