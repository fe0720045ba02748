using Microsoft.ML.Tokenizers;

namespace SlmFleet.Worker.Tokenization;

/// <summary>The model's tokenizer plus the special-token ids the engine needs.</summary>
internal sealed class TextTokenizer(Tokenizer inner, IReadOnlyDictionary<string, int> specialTokens, bool decodeSkipsSpecials)
{
    public IReadOnlyDictionary<string, int> SpecialTokens { get; } = specialTokens;

    public IReadOnlyList<int> Encode(string text) => inner.EncodeToIds(text);

    public string Decode(IEnumerable<int> ids)
        => decodeSkipsSpecials && inner is BpeTokenizer bpe
            ? bpe.Decode(ids, false)
            : inner.Decode(ids.Where(id => !SpecialTokens.Values.Contains(id)));

    public int? IdOf(string token) => SpecialTokens.TryGetValue(token, out var id) ? id : null;
}
