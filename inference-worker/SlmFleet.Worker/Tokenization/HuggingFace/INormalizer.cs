namespace SlmFleet.Worker.Tokenization.HuggingFace;

/// <summary>
/// A tokenizer.json <c>normalizer</c>. Only the normalized text matters for ids and decoding, so
/// unlike Hugging Face tokenizers no offset alignment is kept.
/// </summary>
internal interface INormalizer
{
    string Normalize(string text);
}
