namespace SlmFleet.Worker.Tokenization.HuggingFace;

/// <summary>The BPE model's options from tokenizer.json (<c>model.*</c>).</summary>
internal sealed record BpeSettings(
    string? UnknownToken,
    bool FuseUnknown,
    bool ByteFallback,
    bool IgnoreMerges,
    string? ContinuingSubwordPrefix,
    string? EndOfWordSuffix);
