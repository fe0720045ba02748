using System.Text;
using System.Text.Json;

namespace SlmFleet.Worker.Constraints;

/// <summary>
/// Compiles request constraints against the model's vocabulary, once per distinct constraint: a
/// bounded least-recently-used cache, because services tend to send the same few schemas over and
/// over and a compile at 152k tokens costs milliseconds to a second. Thread-safe; compiles run on
/// the request's thread, never on the scheduler's.
/// </summary>
internal sealed class ConstraintCompiler(Func<TokenVocabulary> vocabulary, int capacity = 64)
{
    /// <summary>Schema or regex text above this is refused before parsing.</summary>
    public const int MaxTextBytes = 64 * 1024;

    public const int MaxChoices = 1024;

    /// <summary>Automaton states above this are refused (each state may hold a precomputed mask).</summary>
    public const int MaxStates = 20_000;

    private readonly Lock _lock = new();
    private readonly Dictionary<ConstraintSpec, LinkedListNode<(ConstraintSpec Spec, CompiledConstraint Compiled)>> _entries = [];
    private readonly LinkedList<(ConstraintSpec Spec, CompiledConstraint Compiled)> _order = new();
    private readonly Lazy<TokenVocabulary> _vocabulary = new(vocabulary);

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _entries.Count;
            }
        }
    }

    public TokenVocabulary Vocabulary => _vocabulary.Value;

    /// <exception cref="ConstraintException">The constraint cannot be compiled; the message names the keyword.</exception>
    public CompiledConstraint Compile(ConstraintSpec spec)
    {
        lock (_lock)
        {
            if (_entries.TryGetValue(spec, out var hit))
            {
                _order.Remove(hit);
                _order.AddFirst(hit);
                return hit.Value.Compiled;
            }
        }

        var compiled = new CompiledConstraint($"{spec.Kind}", BuildGrammar(spec), _vocabulary.Value);
        lock (_lock)
        {
            if (!_entries.ContainsKey(spec))
            {
                _entries[spec] = _order.AddFirst((spec, compiled));
                while (_entries.Count > capacity)
                {
                    _entries.Remove(_order.Last!.Value.Spec);
                    _order.RemoveLast();
                }
            }
        }

        return compiled;
    }

    /// <summary>The grammar alone (no vocabulary): what tests and the benchmark time separately.</summary>
    public static Grammar BuildGrammar(ConstraintSpec spec)
    {
        if (Encoding.UTF8.GetByteCount(spec.Text) > MaxTextBytes)
        {
            throw new ConstraintException("size", $"constraint: the {spec.Kind} is {Encoding.UTF8.GetByteCount(spec.Text)} bytes; accepted: at most {MaxTextBytes}");
        }

        switch (spec.Kind)
        {
            case "json_schema":
                JsonDocument document;
                try
                {
                    document = JsonDocument.Parse(spec.Text, new JsonDocumentOptions { MaxDepth = 128 });
                }
                catch (JsonException ex)
                {
                    throw new ConstraintException("json_schema", $"constraint: json_schema is not valid JSON: {ex.Message}");
                }

                using (document)
                {
                    return JsonSchemaCompiler.Compile(document.RootElement, MaxStates);
                }

            case "json_object":
                var objectBuilder = new GrammarBuilder(MaxStates);
                return objectBuilder.Build(new JsonGrammar(objectBuilder).AnyObject());
            case "choice":
                var options = spec.Text.Split('\0');
                if (options.Length > MaxChoices || options.Any(o => o.Length == 0))
                {
                    throw new ConstraintException("choice", $"constraint: choice needs 1 to {MaxChoices} non-empty strings; got {options.Length}{(options.Any(o => o.Length == 0) ? " with an empty one" : string.Empty)}");
                }

                var choiceBuilder = new GrammarBuilder(MaxStates);
                return choiceBuilder.Build(choiceBuilder.Choice([.. options.Distinct(StringComparer.Ordinal).Select(o => choiceBuilder.Literal(Encoding.UTF8.GetBytes(o)))]));
            case "regex":
                var regexBuilder = new GrammarBuilder(MaxStates);
                var node = RegexParser.Parse(spec.Text, "regex", out _, out _);
                return regexBuilder.Build(RegexEmitter.Emit(regexBuilder, node, allowed: null));
            default:
                throw new ConstraintException("kind", $"constraint: \"{spec.Kind}\" is unknown; accepted: json_schema, json_object, choice, regex");
        }
    }
}
