namespace SlmFleet.Router.Routing;

/// <summary>
/// The decision after an SLM attempt: action, reason, the confidence compared, the HTTP status for
/// <see cref="VerdictAction.Fail"/>, and for reason <c>unsupported</c> the feature the SLM lacks
/// (null means "context", the first such feature).
/// </summary>
internal sealed record SlmVerdict(VerdictAction Action, string Reason, double? Confidence, int StatusCode = 200, string? Feature = null);
