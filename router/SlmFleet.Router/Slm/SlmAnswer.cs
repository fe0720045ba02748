namespace SlmFleet.Router.Slm;

/// <summary>
/// A complete SLM answer (generation or classification) with its measured confidence, and the
/// per-token log-probabilities when the request asked for them.
/// </summary>
internal sealed record SlmAnswer(
    string Text,
    string FinishReason,
    int PromptTokens,
    int CompletionTokens,
    double MeanTokenProbability,
    double MinTokenProbability,
    double? LabelConfidence,
    string Endpoint,
    IReadOnlyList<Inference.V1.TokenLogprob>? Logprobs = null);
