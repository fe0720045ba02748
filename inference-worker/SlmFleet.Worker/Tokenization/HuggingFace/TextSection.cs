namespace SlmFleet.Worker.Tokenization.HuggingFace;

/// <summary>A run of text between added tokens (<see cref="TokenId"/> null), or one matched added token.</summary>
/// <param name="Text">The section text (the token's content for a token).</param>
/// <param name="TokenId">The added token's id, or null for ordinary text.</param>
/// <param name="Start">Where the section starts in the text that was split.</param>
internal readonly record struct TextSection(string Text, int? TokenId, int Start);
