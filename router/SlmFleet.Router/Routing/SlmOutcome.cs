namespace SlmFleet.Router.Routing;

/// <summary>The facts about one SLM attempt that the escalation decision needs.</summary>
/// <param name="Kind">Answered, timed out, or no replica could answer.</param>
/// <param name="LabelConfidence">Top label probability for classification; null for generation.</param>
/// <param name="MeanTokenProbability">Mean per-token probability for generation.</param>
/// <param name="MinTokenProbability">Minimum per-token probability for generation.</param>
/// <param name="SchemaSatisfied">Null when the request has no schema; otherwise whether the answer satisfies it.</param>
internal sealed record SlmOutcome(
    SlmOutcomeKind Kind,
    double? LabelConfidence = null,
    double MeanTokenProbability = 0,
    double MinTokenProbability = 0,
    bool? SchemaSatisfied = null);
