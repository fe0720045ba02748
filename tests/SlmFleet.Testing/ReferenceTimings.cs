namespace SlmFleet.Testing;

/// <summary>transformers.js's mean time for one pass over the corpus, measured by the node script itself.</summary>
public sealed record ReferenceTimings(double EncodeSecondsPerPass, double DecodeSecondsPerPass);
