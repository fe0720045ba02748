namespace SlmFleet.Worker.Tokenization.HuggingFace;

/// <summary>Joins all tokens into one, so later steps (Strip) see the text as a whole.</summary>
internal sealed class FuseDecoder : IDecoder
{
    public List<string> DecodeChain(List<string> tokens) => [string.Concat(tokens)];
}
