namespace SlmFleet.Worker.Tokenization;

/// <summary>One way of turning text into ids and back: tokenizer.json's pipeline or a SentencePiece tokenizer.model.</summary>
internal interface ITokenizerPipeline
{
    /// <summary>Added and special tokens by text (the ones never split).</summary>
    IReadOnlyDictionary<string, int> AddedTokens { get; }

    /// <summary>One past the largest id the tokenizer knows (vocabulary and added tokens).</summary>
    int IdLimit { get; }

    IReadOnlyList<int> Encode(string text, bool addSpecialTokens);

    string Decode(IEnumerable<int> ids, bool skipSpecialTokens);

    /// <summary>The id of a token (added or in the vocabulary), or null.</summary>
    int? IdOf(string token);

    /// <summary>
    /// The bytes a token adds to the decoded text in the middle of a sequence (a byte-level or
    /// byte-fallback token may hold part of a UTF-8 character), or null for special tokens and ids
    /// outside the vocabulary. Constrained decoding matches grammars against these bytes.
    /// </summary>
    byte[]? TokenBytes(int id);
}
