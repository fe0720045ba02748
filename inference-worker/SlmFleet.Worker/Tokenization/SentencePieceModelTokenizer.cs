using System.Globalization;
using System.Text;
using Microsoft.ML.Tokenizers;

namespace SlmFleet.Worker.Tokenization;

/// <summary>
/// A SentencePiece tokenizer.model through Microsoft.ML.Tokenizers' LlamaTokenizer (BPE with byte
/// fall-back, the dummy prefix and whitespace escaping the model file describes), used only when
/// the folder has no tokenizer.json. BOS / EOS follow tokenizer_config.json, defaulting to BOS only
/// as transformers' LlamaTokenizer does.
/// </summary>
internal sealed class SentencePieceModelTokenizer(SentencePieceTokenizer inner, bool addBos, bool addEos, IReadOnlyDictionary<string, int> addedTokens, IReadOnlySet<int> specialIds) : ITokenizerPipeline
{
    public IReadOnlyDictionary<string, int> AddedTokens { get; } = addedTokens;

    public int IdLimit => Math.Max(inner.Vocabulary.Count, AddedTokens.Count == 0 ? 0 : AddedTokens.Values.Max() + 1);

    public IReadOnlyList<int> Encode(string text, bool addSpecialTokens)
        => inner.EncodeToIds(text, addSpecialTokens && addBos, addSpecialTokens && addEos);

    public string Decode(IEnumerable<int> ids, bool skipSpecialTokens)
    {
        var limit = inner.Vocabulary.Count;
        var kept = ids.Where(id => id >= 0 && id < limit && !(skipSpecialTokens && specialIds.Contains(id))).ToList();
        return inner.Decode(kept, considerSpecialTokens: !skipSpecialTokens);
    }

    private Dictionary<int, string>? _pieces;

    public byte[]? TokenBytes(int id)
    {
        if (specialIds.Contains(id))
        {
            return null;
        }

        _pieces ??= inner.Vocabulary.GroupBy(p => p.Value).ToDictionary(g => g.Key, g => g.First().Key);
        if (!_pieces.TryGetValue(id, out var piece))
        {
            return AddedTokens.FirstOrDefault(t => t.Value == id).Key is { } added ? Encoding.UTF8.GetBytes(added) : null;
        }

        // Byte fall-back pieces stand for one raw byte; others write U+2581 for a space.
        if (piece.Length == 6 && piece.StartsWith("<0x", StringComparison.Ordinal) && piece[5] == '>'
            && byte.TryParse(piece.AsSpan(3, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value))
        {
            return [value];
        }

        return Encoding.UTF8.GetBytes(piece.Replace('\u2581', ' '));
    }

    public int? IdOf(string token)
        => AddedTokens.TryGetValue(token, out var id) ? id : inner.Vocabulary.TryGetValue(token, out var vocabularyId) ? vocabularyId : null;
}
