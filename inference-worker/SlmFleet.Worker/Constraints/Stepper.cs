namespace SlmFleet.Worker.Constraints;

/// <summary>
/// Runs a <see cref="Grammar"/> byte by byte over sets of configurations. Stacks are a
/// graph-structured stack: each node (return state, parent) is interned once, so configurations
/// share their stacks and a step allocates nothing once the nodes it needs exist. Node 0 is the
/// bottom; a rule that ends on it completes the constraint (at run time) or would pop into an
/// unknown caller (when masks are precomputed per state, see <see cref="MaskPrecomputer"/>).
/// </summary>
internal sealed class Stepper(Grammar grammar)
{
    // Left recursion pushes without consuming; past this depth such paths are dropped rather than grown forever.
    private const int MaxDepth = 512;

    private readonly List<int> _return = [-1];
    private readonly List<int> _parent = [-1];
    private readonly List<int> _depth = [0];
    private readonly List<int> _cumulative = [0];
    private readonly Dictionary<long, int> _nodes = [];

    public Grammar Grammar { get; } = grammar;

    /// <summary>Fewest bytes that complete the constraint from <paramref name="config"/>.</summary>
    public int Distance(Config config) => Math.Min(Grammar.Unreachable, Grammar.Distance(config.State) + _cumulative[config.Stack]);

    public int Distance(ConfigBuffer set)
    {
        if (set.BottomFinal)
        {
            return 0;
        }

        var best = Grammar.Unreachable;
        foreach (var config in set.Items)
        {
            best = Math.Min(best, Distance(config));
        }

        return best;
    }

    /// <summary>The closure of one configuration into <paramref name="into"/> (cleared first).</summary>
    public void Start(Config config, ConfigBuffer into)
    {
        into.Clear();
        into.Add(config);
        Close(into);
    }

    /// <summary>Consumes <paramref name="value"/> from every configuration of <paramref name="from"/>; <paramref name="into"/> is empty if none accepts it.</summary>
    public void Step(ConfigBuffer from, byte value, ConfigBuffer into)
    {
        into.Clear();
        foreach (var config in from.Items)
        {
            var edge = Grammar.ByteEdges(config.State, out var end);
            for (; edge < end; edge++)
            {
                if (Grammar.EdgeMatches(edge, value))
                {
                    into.Add(new Config(Grammar.EdgeTarget(edge), config.Stack));
                }
            }
        }

        Close(into);
    }

    /// <summary>Adds what empty edges, calls and rule ends reach, in place.</summary>
    public void Close(ConfigBuffer set)
    {
        set.BottomFinal = false;
        set.BottomPop = false;
        for (var i = 0; i < set.Count; i++)
        {
            var (state, stack) = set[i];
            foreach (var target in Grammar.EmptyTargets(state))
            {
                set.Add(new Config(target, stack));
            }

            var call = Grammar.Calls(state, out var end);
            for (; call < end; call++)
            {
                if (_depth[stack] < MaxDepth)
                {
                    set.Add(new Config(Grammar.CallRule(call), Push(Grammar.CallReturn(call), stack)));
                }
            }

            if (Grammar.IsRuleEnd(state))
            {
                if (stack == 0)
                {
                    // The root's exit completes the answer; another rule's exit on an empty stack
                    // only happens in precomputation, where the caller is unknown.
                    set.BottomFinal |= state == Grammar.End;
                    set.BottomPop |= state != Grammar.End;
                }
                else
                {
                    set.Add(new Config(_return[stack], _parent[stack]));
                }
            }
        }
    }

    private int Push(int returnState, int parent)
    {
        var key = ((long)returnState << 32) | (uint)parent;
        if (_nodes.TryGetValue(key, out var node))
        {
            return node;
        }

        node = _return.Count;
        _return.Add(returnState);
        _parent.Add(parent);
        _depth.Add(_depth[parent] + 1);
        _cumulative.Add(Math.Min(Grammar.Unreachable, Grammar.Distance(returnState) + _cumulative[parent]));
        _nodes.Add(key, node);
        return node;
    }
}
