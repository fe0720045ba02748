using SessionOptions = Microsoft.ML.OnnxRuntime.SessionOptions;

namespace SlmFleet.Worker.Model;

/// <summary>
/// Session options ready for an InferenceSession, the provider they run on ("cpu" or "cuda", also a
/// metric label), and why CUDA was not used when it was asked for with auto (null otherwise).
/// The caller owns <see cref="Options"/> and disposes it once the session exists.
/// </summary>
internal sealed record SessionOptionsChoice(SessionOptions Options, string Provider, string? FallbackReason);
