namespace SlmFleet.Worker.Tokenization.HuggingFace;

/// <summary>A run of text between added tokens (<see cref="TokenId"/> null), or one matched added token.</summary>
/// <param name="Start">Where the section starts in the text that was split.</param>
internal readonly record struct TextSection(string Text, int? TokenId, int Start);
