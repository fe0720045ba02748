namespace SlmFleet.Worker.Tokenization.HuggingFace;

/// <summary>A tokenizer.json <c>pre_tokenizer</c>: cuts normalized text into pieces the model encodes one by one.</summary>
internal interface IPreTokenizer
{
    /// <summary>
    /// Appends the pieces of <paramref name="piece"/> to <paramref name="output"/>.
    /// <paramref name="atTextStart"/> is true only for the piece that begins the whole input (offset 0),
    /// which Metaspace's <c>prepend_scheme: "first"</c> needs.
    /// </summary>
    void Split(string piece, bool atTextStart, List<string> output);
}
