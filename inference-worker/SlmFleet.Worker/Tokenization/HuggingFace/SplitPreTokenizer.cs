namespace SlmFleet.Worker.Tokenization.HuggingFace;

/// <summary>Split on a literal or regex (Qwen, Llama 3: the word regex, Isolated; Gemma 3: " ", MergedWithPrevious).</summary>
internal sealed class SplitPreTokenizer(TextPattern pattern, SplitBehavior behavior, bool invert) : IPreTokenizer
{
    public void Split(string piece, bool atTextStart, List<string> output) => PatternSplitter.Split(piece, pattern, behavior, invert, output);
}
