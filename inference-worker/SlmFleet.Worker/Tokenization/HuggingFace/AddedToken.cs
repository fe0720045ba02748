namespace SlmFleet.Worker.Tokenization.HuggingFace;

/// <summary>
/// An entry of tokenizer.json's <c>added_tokens</c>: matched whole before normalization
/// (or after it when <see cref="Normalized"/>), never split by the model.
/// </summary>
/// <param name="Id">The token id.</param>
/// <param name="Content">The exact text matched.</param>
/// <param name="SingleWord">Matches only where no letter or digit touches it on either side.</param>
/// <param name="LeftStrip">Swallows the whitespace before it.</param>
/// <param name="RightStrip">Swallows the whitespace after it.</param>
/// <param name="Normalized">Matched in the normalized text rather than the raw text.</param>
/// <param name="Special">Skipped when decoding with skip-special-tokens.</param>
internal sealed record AddedToken(int Id, string Content, bool SingleWord, bool LeftStrip, bool RightStrip, bool Normalized, bool Special);
