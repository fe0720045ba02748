namespace SlmFleet.Operator.SlmDeployments;

/// <summary>An Event to post on the SlmDeployment (type <c>Normal</c> or <c>Warning</c>).</summary>
internal sealed record PlannedEvent(string Type, string Reason, string Message)
{
    public const string Normal = "Normal";
    public const string Warning = "Warning";
}
