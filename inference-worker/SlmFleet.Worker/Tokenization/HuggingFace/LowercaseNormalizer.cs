namespace SlmFleet.Worker.Tokenization.HuggingFace;

/// <summary>Lower-cases the text (culture-independent, as Rust's str::to_lowercase).</summary>
internal sealed class LowercaseNormalizer : INormalizer
{
    public string Normalize(string text) => text.ToLowerInvariant();
}
