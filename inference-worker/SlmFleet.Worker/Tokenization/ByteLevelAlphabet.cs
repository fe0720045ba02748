using System.Text;

namespace SlmFleet.Worker.Tokenization;

/// <summary>
/// GPT-2's byte-to-unicode table: every byte maps to a printable character, so byte-level BPE
/// vocabularies are plain strings (space becomes 'Ġ'). Tokenizers that read tokenizer.json expect it.
/// </summary>
internal static class ByteLevelAlphabet
{
    /// <summary>The GPT-2 pre-tokenization pattern (contractions, letters, digits, punctuation, spaces).</summary>
    public const string Gpt2Pattern = @"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+";

    public static IReadOnlyList<char> ByteToChar { get; } = Build();

    public static string Encode(string text)
    {
        var builder = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(text))
        {
            builder.Append(ByteToChar[b]);
        }

        return builder.ToString();
    }

    private static char[] Build()
    {
        var table = new char[256];
        var next = 256;
        for (var b = 0; b < 256; b++)
        {
            var printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            table[b] = printable ? (char)b : (char)next++;
        }

        return table;
    }
}
