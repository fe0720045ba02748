namespace SlmFleet.Worker.Tokenization.HuggingFace;

/// <summary>
/// A tokenizer.json <c>decoder</c>: rewrites the list of token strings (Hugging Face's decode_chain);
/// the text is the concatenation of the final list.
/// </summary>
internal interface IDecoder
{
    List<string> DecodeChain(List<string> tokens);
}
