namespace SlmFleet.Worker.ModelBuilder;

/// <summary>Shape of a generated Qwen2-style decoder (RMSNorm, GQA with RoPE, SiLU MLP, q/k/v biases).</summary>
/// <remarks>
/// VocabSize: rows of the embedding, null for the trained tokenizer's size. MaxLength: genai_config
/// <c>search.max_length</c>, what ONNX Runtime GenAI sizes a shared KV buffer for. Merges: BPE merges the
/// preset's tokenizer is trained with.
/// </remarks>
internal sealed record ModelPreset(
    string Name,
    int Layers,
    int Hidden,
    int Heads,
    int KvHeads,
    int FeedForward,
    int ContextLength,
    int MaxLength,
    double RopeTheta,
    int? VocabSize,
    bool TiedEmbeddings,
    ModelPrecision DefaultPrecision,
    int Merges)
{
    public int HeadSize => Hidden / Heads;

    /// <summary>About 0.2 M parameters with GQA (4 heads over 2 KV heads): fast enough to load and run in every test.</summary>
    public static ModelPreset Tiny { get; } = new(
        "tiny", Layers: 2, Hidden: 64, Heads: 4, KvHeads: 2, FeedForward: 256, ContextLength: 512, MaxLength: 512,
        RopeTheta: 10_000, VocabSize: null, TiedEmbeddings: true, DefaultPrecision: ModelPrecision.Fp32, Merges: 256);

    /// <summary>About 27 M fp32 parameters (≈ 110 MB of weights): big enough that decode is memory-bound.</summary>
    public static ModelPreset Small { get; } = new(
        "small", Layers: 7, Hidden: 512, Heads: 8, KvHeads: 2, FeedForward: 2048, ContextLength: 1024, MaxLength: 1024,
        RopeTheta: 10_000, VocabSize: null, TiedEmbeddings: true, DefaultPrecision: ModelPrecision.Fp32, Merges: 1800);

    /// <summary>
    /// Exactly the shape of Qwen2.5-0.5B-Instruct (494 M parameters with the tied embedding). The config keeps
    /// its 32,768-token context, but max_length is 4,096 so a GenAI generator does not reserve a 32k KV buffer.
    /// </summary>
    public static ModelPreset Qwen25HalfB { get; } = new(
        "qwen2.5-0.5b", Layers: 24, Hidden: 896, Heads: 14, KvHeads: 2, FeedForward: 4864, ContextLength: 32_768, MaxLength: 4096,
        RopeTheta: 1_000_000, VocabSize: 151_936, TiedEmbeddings: true, DefaultPrecision: ModelPrecision.Int4, Merges: 1800);

    public static IReadOnlyList<ModelPreset> All { get; } = [Tiny, Small, Qwen25HalfB];

    public static ModelPreset? Find(string name)
        => All.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));
}
