namespace SlmFleet.Worker.Tokenization.HuggingFace;

/// <summary>Applies normalizers in order.</summary>
internal sealed class SequenceNormalizer(IReadOnlyList<INormalizer> normalizers) : INormalizer
{
    public string Normalize(string text)
    {
        foreach (var normalizer in normalizers)
        {
            text = normalizer.Normalize(text);
        }

        return text;
    }
}
