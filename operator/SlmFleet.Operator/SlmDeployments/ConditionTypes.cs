namespace SlmFleet.Operator.SlmDeployments;

/// <summary>The condition types in SlmDeployment status.</summary>
internal static class ConditionTypes
{
    public const string Ready = "Ready";
    public const string Progressing = "Progressing";
    public const string Degraded = "Degraded";
    public const string ModelFits = "ModelFits";
    public const string ScalingLimited = "ScalingLimited";
}
