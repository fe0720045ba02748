namespace SlmFleet.Operator.SlmDeployments;

/// <summary>The condition types in SlmDeployment status.</summary>
internal static class ConditionTypes
{
    public const string Ready = "Ready";
    public const string Progressing = "Progressing";
    public const string Degraded = "Degraded";
    public const string ModelFits = "ModelFits";
    public const string ScalingLimited = "ScalingLimited";

    /// <summary>Whether the built-in autoscaler drives spec.replicas (False while a HorizontalPodAutoscaler targets the fleet, or autoscaling is off).</summary>
    public const string AutoscalerActive = "AutoscalerActive";

    /// <summary>Whether the PersistentVolumeClaims every replica mounts exist and can be mounted by maxReplicas pods; absent when none is referenced.</summary>
    public const string CacheVolumeReady = "CacheVolumeReady";

    /// <summary>Whether anything brings a fleet at zero replicas back (a RoutingPolicy whose router records demand); only with minReplicas 0.</summary>
    public const string ScaleFromZero = "ScaleFromZero";
}
