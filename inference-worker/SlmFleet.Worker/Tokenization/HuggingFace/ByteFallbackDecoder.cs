using System.Globalization;
using System.Text;

namespace SlmFleet.Worker.Tokenization.HuggingFace;

/// <summary>
/// Turns runs of byte tokens (<c>&lt;0xE9&gt;</c>) back into text. Invalid UTF-8 in a run becomes
/// U+FFFD per maximal invalid subpart, as transformers.js (WHATWG TextDecoder) writes it; Hugging
/// Face tokenizers instead writes one U+FFFD per byte of a run that is not valid as a whole, which
/// also turns the valid characters of that run into U+FFFD. Per subpart, a character cut short at the
/// end stays one trailing U+FFFD after the characters before it, so the streaming detokenizer can
/// emit those and wait for the rest.
/// </summary>
internal sealed class ByteFallbackDecoder : IDecoder
{
    public List<string> DecodeChain(List<string> tokens)
    {
        var result = new List<string>(tokens.Count);
        var pending = new List<byte>();
        foreach (var token in tokens)
        {
            if (ByteOf(token) is { } value)
            {
                pending.Add(value);
                continue;
            }

            Flush(pending, result);
            result.Add(token);
        }

        Flush(pending, result);
        return result;
    }

    private static byte? ByteOf(string token)
        => token.Length == 6 && token.StartsWith("<0x", StringComparison.Ordinal) && token[5] == '>'
            && byte.TryParse(token.AsSpan(3, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value)
                ? value
                : null;

    private static void Flush(List<byte> pending, List<string> result)
    {
        if (pending.Count > 0)
        {
            result.Add(Encoding.UTF8.GetString([.. pending]));
            pending.Clear();
        }
    }
}
