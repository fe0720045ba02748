using System.Globalization;
using System.Text;

namespace SlmFleet.Worker.Tokenization.HuggingFace;

/// <summary>
/// Turns runs of byte tokens (<c>&lt;0xE9&gt;</c>) back into text. A run that is not valid UTF-8 becomes
/// one U+FFFD per byte, as Hugging Face tokenizers writes it, so a character cut short at the end of
/// the text still ends in U+FFFD and the streaming detokenizer waits for the rest.
/// </summary>
internal sealed class ByteFallbackDecoder : IDecoder
{
    private static readonly UTF8Encoding Strict = new(false, true);

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
        if (pending.Count == 0)
        {
            return;
        }

        try
        {
            result.Add(Strict.GetString([.. pending]));
        }
        catch (DecoderFallbackException)
        {
            result.Add(new string('\uFFFD', pending.Count));
        }

        pending.Clear();
    }
}
