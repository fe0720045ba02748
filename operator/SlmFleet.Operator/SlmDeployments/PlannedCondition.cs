namespace SlmFleet.Operator.SlmDeployments;

/// <summary>
/// A condition a check wants in status; <paramref name="Warn"/>: post its message as a Warning Event
/// when the condition changes (once per distinct problem, not per reconcile).
/// </summary>
internal sealed record PlannedCondition(string Type, string Status, string Reason, string Message, bool Warn = false);
