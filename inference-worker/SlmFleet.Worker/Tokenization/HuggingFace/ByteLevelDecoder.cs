using System.Text;

namespace SlmFleet.Worker.Tokenization.HuggingFace;

/// <summary>
/// Maps byte-level stand-in characters back to bytes and decodes them as UTF-8; an invalid sequence
/// becomes U+FFFD per maximal invalid subpart (Rust's from_utf8_lossy and the WHATWG decoder that
/// transformers.js uses agree on that, and so does .NET's UTF8Encoding). Added tokens are passed
/// through as written, as transformers.js does.
/// </summary>
internal sealed class ByteLevelDecoder(IReadOnlySet<string> addedTokens) : IDecoder
{
    public List<string> DecodeChain(List<string> tokens)
    {
        var result = new List<string>();
        var bytes = new List<byte>();
        foreach (var token in tokens)
        {
            if (addedTokens.Contains(token))
            {
                Flush(bytes, result);
                result.Add(token);
                continue;
            }

            var mark = bytes.Count;
            foreach (var c in token)
            {
                var value = ByteLevelAlphabet.ByteOf(c);
                if (value < 0)
                {
                    // Not a stand-in character: the token's own UTF-8, as Hugging Face writes it.
                    bytes.RemoveRange(mark, bytes.Count - mark);
                    bytes.AddRange(Encoding.UTF8.GetBytes(token));
                    break;
                }

                bytes.Add((byte)value);
            }
        }

        Flush(bytes, result);
        return result;
    }

    private static void Flush(List<byte> bytes, List<string> result)
    {
        if (bytes.Count > 0)
        {
            result.Add(Encoding.UTF8.GetString([.. bytes]));
            bytes.Clear();
        }
    }
}
