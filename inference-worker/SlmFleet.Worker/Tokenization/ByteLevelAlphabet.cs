using System.Buffers;
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

    // The table's characters all lie below U+0144, so the reverse map is a small array.
    private const int CharLimit = 0x144;

    private static readonly char[] Table = Build();
    private static readonly short[] Reverse = BuildReverse(Table);

    public static IReadOnlyList<char> ByteToChar => Table;

    /// <summary>The text's UTF-8 bytes, one stand-in character each (a lone surrogate becomes U+FFFD's bytes).</summary>
    public static string Encode(string text)
    {
        if (Ascii.IsValid(text))
        {
            // One byte per character: map the characters directly.
            return string.Create(text.Length, text, static (span, source) =>
            {
                for (var i = 0; i < span.Length; i++)
                {
                    span[i] = Table[source[i]];
                }
            });
        }

        var count = Encoding.UTF8.GetByteCount(text);
        var rented = ArrayPool<byte>.Shared.Rent(count);
        try
        {
            Encoding.UTF8.GetBytes(text, rented);
            return string.Create(count, rented, static (span, bytes) =>
            {
                for (var i = 0; i < span.Length; i++)
                {
                    span[i] = Table[bytes[i]];
                }
            });
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>The byte a stand-in character means, or -1 for a character outside the table.</summary>
    public static int ByteOf(char c) => c < CharLimit ? Reverse[c] : -1;

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

    private static short[] BuildReverse(char[] table)
    {
        var reverse = new short[CharLimit];
        Array.Fill(reverse, (short)-1);
        for (var b = 0; b < table.Length; b++)
        {
            reverse[table[b]] = (short)b;
        }

        return reverse;
    }
}
