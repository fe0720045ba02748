namespace SlmFleet.Operator.SlmDeployments;

/// <summary>Condition reasons and Event reasons (CamelCase, as Kubernetes expects in both places).</summary>
internal static class ConditionReasons
{
    public const string InvalidSpec = "InvalidSpec";
    public const string UnknownAccelerator = "UnknownAccelerator";
    public const string SecretNotFound = "SecretNotFound";
    public const string ModelFits = "ModelFits";
    public const string ModelDoesNotFit = "ModelDoesNotFit";
    public const string RolloutBlocked = "RolloutBlocked";
    public const string RollingOut = "RollingOut";
    public const string RolloutComplete = "RolloutComplete";
    public const string ReplicasReady = "ReplicasReady";
    public const string ReplicasWarming = "ReplicasWarming";
    public const string ScaledToZero = "ScaledToZero";
    public const string ProgressDeadlineExceeded = "ProgressDeadlineExceeded";
    public const string AsExpected = "AsExpected";
    public const string WithinLimits = "WithinLimits";
    public const string AboveMaxReplicas = "AboveMaxReplicas";
    public const string BelowMinReplicas = "BelowMinReplicas";
    public const string Created = "Created";
    public const string Scaled = "Scaled";
    public const string NameConflict = "NameConflict";
    public const string DriftReverted = "DriftReverted";
    public const string ReplicasOverridden = "ReplicasOverridden";
    public const string BuiltInAutoscaler = "BuiltInAutoscaler";
    public const string AutoscalingDisabled = "AutoscalingDisabled";
    public const string ExternalAutoscaler = "ExternalAutoscaler";
    public const string CacheVolumeUsable = "CacheVolumeUsable";
    public const string CacheVolumeMissing = "CacheVolumeMissing";
    public const string CacheVolumeReadWriteOnce = "CacheVolumeReadWriteOnce";
    public const string RoutingPolicyFound = "RoutingPolicyFound";
    public const string NoRoutingPolicy = "NoRoutingPolicy";
}
