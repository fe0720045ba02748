namespace SlmFleet.Worker.Tokenization.HuggingFace;

/// <summary>
/// GPT-2's byte-level step: optionally a leading space and the GPT-2 word regex, then every UTF-8
/// byte becomes its printable stand-in (<see cref="ByteLevelAlphabet"/>), so "é" is "Ã©" and the
/// model never meets an unknown character.
/// </summary>
internal sealed class ByteLevelPreTokenizer(bool addPrefixSpace, bool useRegex) : IPreTokenizer
{
    private static readonly TextPattern Gpt2Words = TextPattern.FromRegex(ByteLevelAlphabet.Gpt2Pattern);

    public void Split(string piece, bool atTextStart, List<string> output)
    {
        if (addPrefixSpace && (piece.Length == 0 || piece[0] != ' '))
        {
            piece = " " + piece;
        }

        if (!useRegex)
        {
            if (piece.Length > 0)
            {
                output.Add(ByteLevelAlphabet.Encode(piece));
            }

            return;
        }

        var matches = new List<(int Start, int Length)>();
        Gpt2Words.Matches(piece, matches);
        foreach (var (start, length) in matches)
        {
            if (length > 0)
            {
                output.Add(ByteLevelAlphabet.Encode(piece.Substring(start, length)));
            }
        }
    }
}
