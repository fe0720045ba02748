namespace SlmFleet.Worker.ModelBuilder;

/// <summary>Shape of a generated decoder-only transformer.</summary>
internal sealed record ModelPreset(
    string Name,
    int Layers,
    int Hidden,
    int Heads,
    int FeedForward,
    int ContextLength,
    int Merges)
{
    public int HeadSize => Hidden / Heads;

    /// <summary>About 0.2 M parameters: fast enough to load and run in every test.</summary>
    public static ModelPreset Tiny { get; } = new("tiny", Layers: 2, Hidden: 64, Heads: 4, FeedForward: 256, ContextLength: 512, Merges: 256);

    /// <summary>About 26 M fp32 parameters (≈ 100 MB of weights): big enough that decode is memory-bound.</summary>
    public static ModelPreset Small { get; } = new("small", Layers: 7, Hidden: 512, Heads: 8, FeedForward: 2048, ContextLength: 1024, Merges: 1800);

    public static ModelPreset? Find(string name) => name.ToUpperInvariant() switch
    {
        "TINY" => Tiny,
        "SMALL" => Small,
        _ => null,
    };
}
