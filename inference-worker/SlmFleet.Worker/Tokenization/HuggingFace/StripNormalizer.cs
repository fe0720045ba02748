namespace SlmFleet.Worker.Tokenization.HuggingFace;

/// <summary>Strips whitespace from the left and/or right of the text.</summary>
internal sealed class StripNormalizer(bool left, bool right) : INormalizer
{
    public string Normalize(string text) => (left, right) switch
    {
        (true, true) => text.Trim(),
        (true, false) => text.TrimStart(),
        (false, true) => text.TrimEnd(),
        _ => text,
    };
}
