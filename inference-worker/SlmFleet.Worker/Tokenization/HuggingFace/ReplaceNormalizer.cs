namespace SlmFleet.Worker.Tokenization.HuggingFace;

/// <summary>Replaces every match of a literal or regular-expression pattern (Llama 2 / Gemma: " " to "▁").</summary>
internal sealed class ReplaceNormalizer(TextPattern pattern, string content) : INormalizer
{
    public string Normalize(string text) => pattern.ReplaceAll(text, content);
}
