namespace SlmFleet.Worker.Constraints;

/// <summary>
/// One row's position in its constraint: masks the logits to the tokens that keep the output a
/// valid prefix, advances by the sampled token, and knows when the output is complete. Used only
/// by the scheduler thread; after the first few steps a step allocates nothing.
/// </summary>
/// <remarks>
/// Each step: the union of the precomputed masks of the states the parse stands in, plus the
/// uncertain tokens (those that would leave a rule part-way) checked against the real stack, plus
/// end-of-sequence when the output is complete. <see cref="Distance"/> is the fewest bytes that
/// complete the output; <see cref="Restrict"/> keeps that within the tokens left, so a row that runs
/// out of max_new_tokens still ends with a complete answer.
/// </remarks>
internal sealed class ConstraintMatcher
{
    private readonly CompiledConstraint _compiled;
    private readonly Stepper _stepper;
    private readonly ConfigBuffer _current = new();
    private readonly ConfigBuffer _a = new();
    private readonly ConfigBuffer _b = new();
    // Verified uncertain tokens per configuration set; bounded so a long answer cannot grow it without end.
    private const int MaxVerified = 256;

    private readonly List<StateMask> _masks = [];
    private readonly Dictionary<SetKey, int[]> _verified = [];
    private int[] _keepIds = new int[64];
    private float[] _keepValues = new float[64];
    private ulong[] _bits = [];
    private ConfigBuffer[] _depth = [];
    private int[] _depthDistance = [];

    public ConstraintMatcher(CompiledConstraint compiled)
    {
        _compiled = compiled;
        _stepper = new Stepper(compiled.Grammar);
        _stepper.Start(new Config(compiled.Grammar.Start, 0), _current);
    }

    /// <summary>The output so far is a complete answer (end-of-sequence is allowed).</summary>
    public bool IsComplete => _current.BottomFinal;

    /// <summary>More bytes could follow (false once complete and nothing may follow: the row ends here).</summary>
    public bool CanContinue
    {
        get
        {
            foreach (var config in _current.Items)
            {
                if (_compiled.Grammar.HasByteEdges(config.State))
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>Fewest bytes that complete the output from here.</summary>
    public int Distance => _stepper.Distance(_current);

    /// <summary>
    /// Sets the logits of every token the constraint forbids here to -inf, in place. Returns false
    /// when no token is allowed (the caller ends the row).
    /// </summary>
    public bool Mask(Span<float> logits, ReadOnlySpan<int> eosIds)
    {
        CollectMasks();
        var keep = 0;
        foreach (var token in VerifiedUncertain())
        {
            if (token < logits.Length)
            {
                Keep(ref keep, token, logits[token]);
            }
        }

        if (IsComplete)
        {
            foreach (var eos in eosIds)
            {
                if (eos >= 0 && eos < logits.Length)
                {
                    Keep(ref keep, eos, logits[eos]);
                }
            }
        }

        var any = keep > 0;
        var complements = 0;
        foreach (var mask in _masks)
        {
            complements += mask.Complement ? 1 : 0;
        }

        if (complements <= 1)
        {
            any |= ApplyLists(logits, ref keep);
        }
        else
        {
            any |= ApplyUnion(logits);
        }

        for (var i = 0; i < keep; i++)
        {
            logits[_keepIds[i]] = _keepValues[i];
        }

        return any;
    }

    /// <summary>Whether <paramref name="token"/> may come next, and the distance to completion after it.</summary>
    public bool Accepts(int token, out int distanceAfter)
    {
        distanceAfter = Grammar.Unreachable;
        if (!Simulate(token, out var result))
        {
            return false;
        }

        distanceAfter = _stepper.Distance(result);
        return true;
    }

    /// <summary>Moves past <paramref name="token"/>; false (and no move) when the constraint forbids it.</summary>
    public bool Advance(int token)
    {
        if (!Simulate(token, out var result))
        {
            return false;
        }

        _current.CopyFrom(result);
        return true;
    }

    /// <summary>
    /// Keeps only the tokens that lie on a shortest completion (each shortens the distance by its
    /// own length, so the answer completes within as many tokens as it has bytes left, fewer with
    /// multi-byte tokens), and end-of-sequence when complete. When even one byte per token would
    /// not fit in <paramref name="tokensAfter"/>, only the longest such tokens are kept, the best
    /// chance left. The trie walk follows only bytes on a shortest path, so it visits a handful of
    /// nodes. Returns false when there is no such token (the logits are then untouched).
    /// </summary>
    public bool Restrict(Span<float> logits, int tokensAfter, ReadOnlySpan<int> eosIds)
    {
        var keep = 0;
        var vocabulary = _compiled.Vocabulary;
        EnsureDepthBuffers(vocabulary.MaxTokenBytes + 1);
        _depth[0].CopyFrom(_current);
        _depthDistance[0] = _stepper.Distance(_current);
        var node = 0;
        while (node < vocabulary.NodeCount)
        {
            var depth = vocabulary.NodeDepth(node);
            var parentDistance = _depthDistance[depth - 1];
            if (parentDistance == 0 || parentDistance >= Grammar.Unreachable)
            {
                node = vocabulary.SubtreeEnd(node);
                continue;
            }

            var into = _depth[depth];
            _stepper.Step(_depth[depth - 1], vocabulary.NodeByte(node), into);
            var distance = _stepper.Distance(into);
            if (into.Count == 0 && !into.BottomFinal || distance != parentDistance - 1)
            {
                node = vocabulary.SubtreeEnd(node);
                continue;
            }

            _depthDistance[depth] = distance;
            foreach (var token in vocabulary.TokensAt(node))
            {
                if (token < logits.Length && !float.IsNegativeInfinity(logits[token]))
                {
                    if (_depthDistance[0] - 1 > tokensAfter && keep > 0 && vocabulary.Bytes(_keepIds[0]).Length < depth)
                    {
                        keep = 0;
                    }

                    if (!(_depthDistance[0] - 1 > tokensAfter && keep > 0 && vocabulary.Bytes(_keepIds[0]).Length > depth))
                    {
                        Keep(ref keep, token, logits[token]);
                    }
                }
            }

            node++;
        }

        if (IsComplete)
        {
            foreach (var eos in eosIds)
            {
                if (eos >= 0 && eos < logits.Length)
                {
                    Keep(ref keep, eos, logits[eos]);
                }
            }
        }

        if (keep == 0)
        {
            return false;
        }

        logits.Fill(float.NegativeInfinity);
        for (var i = 0; i < keep; i++)
        {
            logits[_keepIds[i]] = _keepValues[i];
        }

        return true;
    }

    private void EnsureDepthBuffers(int count)
    {
        if (_depth.Length >= count)
        {
            return;
        }

        _depth = new ConfigBuffer[count];
        for (var i = 0; i < count; i++)
        {
            _depth[i] = new ConfigBuffer();
        }

        _depthDistance = new int[count];
    }

    private bool Simulate(int token, out ConfigBuffer result)
    {
        result = _current;
        var bytes = _compiled.Vocabulary.Bytes(token);
        if (bytes.IsEmpty)
        {
            return false;
        }

        var from = _current;
        var to = _a;
        foreach (var value in bytes)
        {
            _stepper.Step(from, value, to);
            if (to.Count == 0)
            {
                return false;
            }

            from = to;
            to = ReferenceEquals(to, _a) ? _b : _a;
        }

        result = from;
        return true;
    }

    private void CollectMasks()
    {
        _masks.Clear();
        foreach (var config in _current.Items)
        {
            if (_compiled.Mask(config.State) is { } mask && !_masks.Contains(mask))
            {
                _masks.Add(mask);
            }
        }
    }

    private void Keep(ref int count, int token, float value)
    {
        if (count == _keepIds.Length)
        {
            Array.Resize(ref _keepIds, count * 2);
            Array.Resize(ref _keepValues, count * 2);
        }

        _keepIds[count] = token;
        _keepValues[count] = value;
        count++;
    }

    // The common case: allowed lists, and at most one rejected list (a free string). The allowed
    // tokens' logits are kept aside (they are restored after the reject pass with the uncertain and
    // end-of-sequence tokens), then either the one rejected list is applied or everything is filled
    // with -inf: cost proportional to the lists plus one vectorised fill, never a pass per token id.
    private bool ApplyLists(Span<float> logits, ref int keep)
    {
        StateMask? complement = null;
        var any = false;
        foreach (var mask in _masks)
        {
            if (mask.Complement)
            {
                complement = mask;
                any |= mask.Ids.Length < logits.Length;
                continue;
            }

            foreach (var id in mask.Ids)
            {
                if (id < logits.Length)
                {
                    Keep(ref keep, id, logits[id]);
                    any = true;
                }
            }
        }

        if (complement is null)
        {
            logits.Fill(float.NegativeInfinity);
            return any;
        }

        foreach (var id in complement.Ids)
        {
            if (id < logits.Length)
            {
                logits[id] = float.NegativeInfinity;
            }
        }

        return any;
    }

    // Uncertain tokens of the current states, checked against the real stack. A row often stands in
    // the same configurations again (every token inside a string), so the answer is cached per
    // configuration set; the cache is the row's own because stacks are.
    private int[] VerifiedUncertain()
    {
        var count = 0;
        foreach (var mask in _masks)
        {
            count += mask.Uncertain.Length;
        }

        if (count == 0)
        {
            return [];
        }

        var key = new SetKey(SortedCurrent());
        if (_verified.TryGetValue(key, out var cached))
        {
            return cached;
        }

        var allowed = new List<int>();
        foreach (var mask in _masks)
        {
            foreach (var token in mask.Uncertain)
            {
                if (Accepts(token, out _))
                {
                    allowed.Add(token);
                }
            }
        }

        if (_verified.Count >= MaxVerified)
        {
            _verified.Clear();
        }

        _verified[key] = [.. allowed];
        return _verified[key];
    }

    private Config[] SortedCurrent()
    {
        var configs = _current.Items.ToArray();
        Array.Sort(configs, (a, b) => a.State != b.State ? a.State.CompareTo(b.State) : a.Stack.CompareTo(b.Stack));
        return configs;
    }

    private bool ApplyUnion(Span<float> logits)
    {
        var words = (logits.Length + 63) / 64;
        if (_bits.Length < words)
        {
            _bits = new ulong[words];
        }

        var bits = _bits.AsSpan(0, words);
        bits.Clear();
        foreach (var mask in _masks)
        {
            if (!mask.Complement)
            {
                foreach (var id in mask.Ids)
                {
                    bits[id >> 6] |= 1UL << (id & 63);
                }

                continue;
            }

            var next = 0;
            for (var id = 0; id < logits.Length; id++)
            {
                if (next < mask.Ids.Length && mask.Ids[next] == id)
                {
                    next++;
                    continue;
                }

                bits[id >> 6] |= 1UL << (id & 63);
            }
        }

        var any = false;
        for (var id = 0; id < logits.Length; id++)
        {
            if ((bits[id >> 6] & (1UL << (id & 63))) == 0)
            {
                logits[id] = float.NegativeInfinity;
            }
            else
            {
                any = true;
            }
        }

        return any;
    }
}
