namespace SlmFleet.Operator.Events;

/// <summary>An Event to post on an object (type <c>Normal</c> or <c>Warning</c>).</summary>
internal sealed record PlannedEvent(string Type, string Reason, string Message)
{
    public const string Normal = "Normal";
    public const string Warning = "Warning";
}
