namespace SlmFleet.Worker.Tokenization.HuggingFace;

/// <summary>Replaces a pattern in every token ("▁" back to " " for Llama 2 / Gemma).</summary>
internal sealed class ReplaceDecoder(TextPattern pattern, string content) : IDecoder
{
    public List<string> DecodeChain(List<string> tokens) => tokens.ConvertAll(token => pattern.ReplaceAll(token, content));
}
