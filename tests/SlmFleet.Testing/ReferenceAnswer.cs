namespace SlmFleet.Testing;

/// <summary>transformers.js's answer for one corpus, in request order.</summary>
public sealed record ReferenceAnswer(
    string Version,
    string TokenizerClass,
    IReadOnlyList<int[]> WithSpecialTokens,
    IReadOnlyList<int[]> WithoutSpecialTokens,
    IReadOnlyList<string> DecodedSkippingSpecialTokens,
    IReadOnlyList<string> DecodedKeepingSpecialTokens,
    ReferenceTimings? Timings);
