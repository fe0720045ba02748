using SlmFleet.Worker.Tokenization;

namespace SlmFleet.Worker.Engine;

/// <summary>
/// Turns generated tokens into text one token at a time, decoding only a few recent tokens per
/// step instead of the whole sequence: the approach of Hugging Face tokenizers' DecodeStream and
/// vLLM's detokenize_incrementally.
/// </summary>
/// <remarks>
/// <para>
/// A token's text depends on its neighbours (a byte-level token may hold half a UTF-8 character; a
/// SentencePiece decoder drops the leading space of whatever comes first), so a token is never
/// decoded alone. Two offsets into the tokens are kept:
/// </para>
/// <code>
///   ... emitted ... | prefix_offset ... read_offset | new tokens ...
///                   |&lt;-- prefix text ------------&gt;|
///                   |&lt;-- text = decode(prefix_offset .. end) -------&gt;|
/// </code>
/// <para>
/// Each step decodes prefix_offset..end; what goes past the prefix text (prefix_offset..read_offset,
/// already emitted) is new. It is emitted only when the text does not end in U+FFFD, the
/// replacement character the decoder writes for an incomplete UTF-8 character; otherwise the
/// token waits for the bytes that complete it. After emitting, the window slides: prefix_offset
/// takes read_offset, read_offset takes the end. A replacement character in the middle of the
/// text (a lone byte the model never completed) is emitted as it is, exactly as a full decode
/// writes it.
/// </para>
/// <para>
/// Guarantee (tested on the fixtures' real tokenizers): the deltas of <see cref="Push"/> followed by
/// <see cref="Flush"/> concatenate to <c>Decode(all tokens)</c> with trailing U+FFFD removed. Those
/// are dropped because at the end they can only be an incomplete character (or, rarely, a real
/// U+FFFD the model wrote last, which is dropped too, as the full-text streamer did).
/// </para>
/// <para>
/// Cost per step is the window: two or three tokens, more only while several tokens in a row end
/// in an incomplete character. Tokens before the window are forgotten, so memory stays small too.
/// </para>
/// </remarks>
internal sealed class IncrementalDetokenizer(TextTokenizer tokenizer)
{
    // Forget decoded tokens in batches rather than on every step; the window itself is a few tokens.
    private const int ForgetAfter = 64;

    private readonly List<int> _tokens = [];
    private int _prefixOffset;
    private int _readOffset;
    private string _prefixText = string.Empty;

    /// <summary>Adds one generated token; returns the text it completes (often empty while a character is incomplete).</summary>
    public string Push(int token)
    {
        _tokens.Add(token);
        var text = Decode(_prefixOffset, _tokens.Count);
        if (text.Length <= _prefixText.Length || text[^1] == '\uFFFD')
        {
            return string.Empty;
        }

        var delta = text[_prefixText.Length..];
        _prefixOffset = _readOffset;
        _readOffset = _tokens.Count;
        _prefixText = Decode(_prefixOffset, _readOffset);
        Forget();
        return delta;
    }

    /// <summary>Returns whatever is still held back when generation ends, without a trailing incomplete character.</summary>
    public string Flush()
    {
        var text = Decode(_prefixOffset, _tokens.Count).TrimEnd('\uFFFD');
        var delta = text.Length > _prefixText.Length ? text[_prefixText.Length..] : string.Empty;
        _tokens.Clear();
        _prefixOffset = 0;
        _readOffset = 0;
        _prefixText = string.Empty;
        return delta;
    }

    private string Decode(int from, int to) => from == to ? string.Empty : tokenizer.Decode(_tokens.GetRange(from, to - from));

    private void Forget()
    {
        if (_prefixOffset < ForgetAfter)
        {
            return;
        }

        _tokens.RemoveRange(0, _prefixOffset);
        _readOffset -= _prefixOffset;
        _prefixOffset = 0;
    }
}
