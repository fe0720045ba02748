using System.Globalization;
using System.Text;

namespace SlmFleet.Worker.Tokenization.HuggingFace;

/// <summary>
/// The tokenizer.json pipeline, in Hugging Face's order. Encode: added tokens are cut out of the raw
/// text first (those with <c>normalized: false</c>), each remaining section is normalized, cut again
/// on normalized added tokens, pre-tokenized into pieces and each piece run through the model; with
/// special tokens the template's prefix and suffix go around. Decode: ids to tokens (special added
/// tokens skipped on request, unknown ids skipped), then the decoder chain. transformers' extra
/// <c>clean_up_tokenization_spaces</c> step (" ." to ".") is not applied: it is a Python-side
/// post-process that corrupts code ("a .b"), and neither Hugging Face tokenizers, vLLM's streaming
/// detokenizer nor ONNX Runtime GenAI applies it.
/// </summary>
internal sealed class HuggingFaceTokenizer : ITokenizerPipeline
{
    private readonly AddedTokenMatcher _rawTokens;
    private readonly AddedTokenMatcher _normalizedTokens;
    private readonly INormalizer? _normalizer;
    private readonly IPreTokenizer? _preTokenizer;
    private readonly ITokenModel _model;
    private readonly IDecoder? _decoder;
    private readonly SpecialTokenTemplate _template;
    private readonly Dictionary<int, AddedToken> _addedById;

    public HuggingFaceTokenizer(
        AddedTokenMatcher rawTokens,
        AddedTokenMatcher normalizedTokens,
        INormalizer? normalizer,
        IPreTokenizer? preTokenizer,
        ITokenModel model,
        IDecoder? decoder,
        SpecialTokenTemplate template,
        IReadOnlyList<AddedToken> addedTokens)
    {
        _rawTokens = rawTokens;
        _normalizedTokens = normalizedTokens;
        _normalizer = normalizer;
        _preTokenizer = preTokenizer;
        _model = model;
        _decoder = decoder;
        _template = template;
        _addedById = addedTokens.GroupBy(t => t.Id).ToDictionary(g => g.Key, g => g.Last());
        AddedTokens = addedTokens.GroupBy(t => t.Content, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().Id, StringComparer.Ordinal);
        IdLimit = Math.Max(model.IdLimit, addedTokens.Count == 0 ? 0 : addedTokens.Max(t => t.Id) + 1);
    }

    public IReadOnlyDictionary<string, int> AddedTokens { get; }

    public int IdLimit { get; }

    public IReadOnlyList<int> Encode(string text, bool addSpecialTokens)
    {
        var ids = new List<int>(text.Length / 3 + 4);
        if (addSpecialTokens)
        {
            ids.AddRange(_template.Prefix);
        }

        var sections = new List<TextSection>();
        _rawTokens.Split(text, 0, sections);
        var pieces = new List<string>();
        var normalizedSections = new List<TextSection>();
        foreach (var section in sections)
        {
            if (section.TokenId is { } tokenId)
            {
                ids.Add(tokenId);
                continue;
            }

            var normalized = _normalizer is null ? section.Text : _normalizer.Normalize(section.Text);
            normalizedSections.Clear();
            _normalizedTokens.Split(normalized, section.Start, normalizedSections);
            foreach (var part in normalizedSections)
            {
                if (part.TokenId is { } normalizedTokenId)
                {
                    ids.Add(normalizedTokenId);
                    continue;
                }

                if (part.Text.Length == 0)
                {
                    continue;
                }

                pieces.Clear();
                if (_preTokenizer is null)
                {
                    pieces.Add(part.Text);
                }
                else
                {
                    _preTokenizer.Split(part.Text, part.Start == 0, pieces);
                }

                foreach (var piece in pieces)
                {
                    _model.Encode(piece, ids);
                }
            }
        }

        if (addSpecialTokens)
        {
            ids.AddRange(_template.Suffix);
        }

        return ids;
    }

    public string Decode(IEnumerable<int> ids, bool skipSpecialTokens)
    {
        var tokens = new List<string>();
        foreach (var id in ids)
        {
            if (_addedById.TryGetValue(id, out var added))
            {
                if (!(skipSpecialTokens && added.Special))
                {
                    tokens.Add(added.Content);
                }
            }
            else if (_model.TokenOf(id) is { } token)
            {
                tokens.Add(token);
            }
        }

        return _decoder is null ? string.Join(' ', tokens) : string.Concat(_decoder.DecodeChain(tokens));
    }

    /// <remarks>
    /// Byte-level tokens map character by character to bytes, and byte-fall-back tokens
    /// (<c>&lt;0xE9&gt;</c>) are one byte: both may be part of a UTF-8 character, which decoding alone
    /// would turn into U+FFFD. Any other token is decoded after a one-letter anchor token, so that
    /// decoders that treat the first token differently (Metaspace, Strip) show the mid-sequence text.
    /// </remarks>
    public byte[]? TokenBytes(int id)
    {
        if (_addedById.TryGetValue(id, out var added))
        {
            return added.Special ? null : Encoding.UTF8.GetBytes(added.Content);
        }

        if (_model.TokenOf(id) is not { } token)
        {
            return null;
        }

        if (_decoder is null)
        {
            return Encoding.UTF8.GetBytes(token);
        }

        if (Uses<ByteLevelDecoder>(_decoder))
        {
            var bytes = new byte[token.Length];
            for (var i = 0; i < token.Length; i++)
            {
                var value = ByteLevelAlphabet.ByteOf(token[i]);
                if (value < 0)
                {
                    return Encoding.UTF8.GetBytes(token);
                }

                bytes[i] = (byte)value;
            }

            return bytes;
        }

        if (Uses<ByteFallbackDecoder>(_decoder) && token.Length == 6 && token.StartsWith("<0x", StringComparison.Ordinal) && token[5] == '>'
            && byte.TryParse(token.AsSpan(3, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var single))
        {
            return [single];
        }

        var text = string.Concat(_decoder.DecodeChain(["x", token]));
        return Encoding.UTF8.GetBytes(text.StartsWith('x') ? text[1..] : text);
    }

    private static bool Uses<T>(IDecoder decoder) where T : IDecoder
        => decoder is T || (decoder is SequenceDecoder sequence && sequence.Decoders.Any(Uses<T>));

    public int? IdOf(string token) => AddedTokens.TryGetValue(token, out var id) ? id : _model.IdOf(token);
}
