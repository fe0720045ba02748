namespace SlmFleet.Worker.Tokenization.HuggingFace;

/// <summary>Prepends a string to non-empty text (Llama 2 / Mistral put "▁" before every section).</summary>
internal sealed class PrependNormalizer(string prefix) : INormalizer
{
    public string Normalize(string text) => text.Length == 0 ? text : prefix + text;
}
