namespace SlmFleet.Worker.Tokenization;

/// <summary>
/// The model's tokenizer as the worker uses it.
/// <list type="bullet">
/// <item><c>Encode(text, addSpecialTokens: false)</c> for a chat-templated prompt: the template
/// writes BOS and turn markers itself, as Hugging Face's <c>apply_chat_template(tokenize=True)</c>
/// encodes it.</item>
/// <item><c>Encode(text, addSpecialTokens: true)</c> for a raw completion prompt: BOS / EOS as
/// tokenizer_config.json (<c>add_bos_token</c>, <c>add_eos_token</c>) or else the tokenizer's
/// post-processor says, as <c>tokenizer(text)</c> does in transformers and vLLM's completions.</item>
/// </list>
/// <see cref="Decode(IEnumerable{int})"/> skips special tokens (skip_special_tokens=True): generated text never shows
/// an end-of-turn marker, and never throws, whatever the ids.
/// </summary>
internal sealed class TextTokenizer(ITokenizerPipeline pipeline, string family)
{
    /// <summary>What kind of tokenizer this is and which file it came from, e.g. "byte-level BPE (tokenizer.json)".</summary>
    public string Family { get; } = family;

    /// <summary>Added and special tokens by text.</summary>
    public IReadOnlyDictionary<string, int> AddedTokens => pipeline.AddedTokens;

    /// <summary>One past the largest id the tokenizer knows.</summary>
    public int IdLimit => pipeline.IdLimit;

    public IReadOnlyList<int> Encode(string text, bool addSpecialTokens) => pipeline.Encode(text, addSpecialTokens);

    /// <summary>Decodes with special tokens skipped; ids outside the vocabulary are skipped too.</summary>
    public string Decode(IEnumerable<int> ids) => pipeline.Decode(ids, skipSpecialTokens: true);

    public string Decode(IEnumerable<int> ids, bool skipSpecialTokens) => pipeline.Decode(ids, skipSpecialTokens);

    /// <summary>The id of a token (added, special or in the vocabulary), or null.</summary>
    public int? IdOf(string token) => pipeline.IdOf(token);

    /// <inheritdoc cref="ITokenizerPipeline.TokenBytes"/>
    public byte[]? TokenBytes(int id) => pipeline.TokenBytes(id);
}
