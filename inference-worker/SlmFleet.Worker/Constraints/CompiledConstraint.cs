using System.Diagnostics;

namespace SlmFleet.Worker.Constraints;

/// <summary>
/// A constraint ready to decode with: its grammar, the vocabulary it was matched against and each
/// state's precomputed <see cref="StateMask"/>. Immutable after construction, so rows with the same
/// constraint share it; each row keeps its own position in a <see cref="ConstraintMatcher"/>.
/// </summary>
internal sealed class CompiledConstraint
{
    private readonly StateMask?[] _masks;

    public CompiledConstraint(string description, Grammar grammar, TokenVocabulary vocabulary)
    {
        var clock = Stopwatch.StartNew();
        Description = description;
        Grammar = grammar;
        Vocabulary = vocabulary;
        if (grammar.Distance(grammar.Start) >= Grammar.Unreachable)
        {
            throw new ConstraintException("schema", $"constraint: {description} is unsatisfiable: no output can satisfy it");
        }

        var precomputer = new MaskPrecomputer(new Stepper(grammar), vocabulary);
        _masks = new StateMask?[grammar.StateCount];
        for (var state = 0; state < grammar.StateCount; state++)
        {
            if (grammar.HasByteEdges(state))
            {
                _masks[state] = precomputer.Compute(state);
            }
        }

        MaskStates = _masks.Count(m => m is not null);
        CompileTime = clock.Elapsed;
    }

    public string Description { get; }

    public Grammar Grammar { get; }

    public TokenVocabulary Vocabulary { get; }

    /// <summary>How many states have a precomputed mask (the states with byte edges).</summary>
    public int MaskStates { get; }

    /// <summary>Time spent precomputing masks (the grammar itself is built before).</summary>
    public TimeSpan CompileTime { get; }

    public StateMask? Mask(int state) => _masks[state];
}
