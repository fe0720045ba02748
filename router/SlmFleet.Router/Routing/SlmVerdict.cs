namespace SlmFleet.Router.Routing;

/// <summary>The decision after an SLM attempt: action, reason, the confidence compared, and the HTTP status for <see cref="VerdictAction.Fail"/>.</summary>
internal sealed record SlmVerdict(VerdictAction Action, string Reason, double? Confidence, int StatusCode = 200);
