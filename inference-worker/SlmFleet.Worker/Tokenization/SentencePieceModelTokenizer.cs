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

    public int? IdOf(string token)
        => AddedTokens.TryGetValue(token, out var id) ? id : inner.Vocabulary.TryGetValue(token, out var vocabularyId) ? vocabularyId : null;
}
