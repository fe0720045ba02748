namespace SlmFleet.Operator.SlmDeployments;

/// <summary>A cross-field rule the spec breaks: the field, a condition reason, and a message naming what is accepted.</summary>
internal sealed record SpecProblem(string Field, string Reason, string Message);
