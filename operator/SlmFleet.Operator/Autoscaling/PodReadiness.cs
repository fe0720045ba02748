namespace SlmFleet.Operator.Autoscaling;

/// <summary>Whether a pod serves traffic yet.</summary>
internal enum PodReadiness
{
    /// <summary>Warm and serving; its utilization sample counts.</summary>
    Ready,

    /// <summary>Created but still loading or warming up: capacity on its way, no useful sample.</summary>
    Warming,
}
