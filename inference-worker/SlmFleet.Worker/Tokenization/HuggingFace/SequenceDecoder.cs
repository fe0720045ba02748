namespace SlmFleet.Worker.Tokenization.HuggingFace;

/// <summary>Applies decoders in order.</summary>
internal sealed class SequenceDecoder(IReadOnlyList<IDecoder> decoders) : IDecoder
{
    public IReadOnlyList<IDecoder> Decoders { get; } = decoders;

    public List<string> DecodeChain(List<string> tokens)
    {
        foreach (var decoder in Decoders)
        {
            tokens = decoder.DecodeChain(tokens);
        }

        return tokens;
    }
}
