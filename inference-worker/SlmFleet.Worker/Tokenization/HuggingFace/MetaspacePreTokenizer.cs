namespace SlmFleet.Worker.Tokenization.HuggingFace;

/// <summary>
/// SentencePiece's whitespace handling: spaces become the replacement ("▁"), the replacement is
/// prepended per <c>prepend_scheme</c> (always, first = only at the start of the input, never) unless
/// the piece already starts with it, and with <c>split</c> each "▁" starts a new piece.
/// </summary>
internal sealed class MetaspacePreTokenizer : IPreTokenizer
{
    private readonly char _replacement;
    private readonly PrependScheme _scheme;
    private readonly bool _split;
    private readonly TextPattern _replacementPattern;

    public MetaspacePreTokenizer(char replacement, PrependScheme scheme, bool split)
    {
        _replacement = replacement;
        _scheme = scheme;
        _split = split;
        _replacementPattern = TextPattern.Literal(replacement.ToString());
    }

    public void Split(string piece, bool atTextStart, List<string> output)
    {
        var text = piece.Replace(' ', _replacement);
        var prepend = _scheme == PrependScheme.Always || (_scheme == PrependScheme.First && atTextStart);
        if (prepend && (text.Length == 0 || text[0] != _replacement))
        {
            text = _replacement + text;
        }

        if (_split)
        {
            PatternSplitter.Split(text, _replacementPattern, SplitBehavior.MergedWithNext, false, output);
        }
        else if (text.Length > 0)
        {
            output.Add(text);
        }
    }
}
