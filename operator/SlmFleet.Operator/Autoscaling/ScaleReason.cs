namespace SlmFleet.Operator.Autoscaling;

/// <summary>Why a decision came out the way it did; also the Event reason the operator posts.</summary>
internal enum ScaleReason
{
    /// <summary>Utilization inside the band; nothing to do.</summary>
    WithinBand,

    /// <summary>Above the high mark: replicas added to bring utilization to the resize target (four fifths up the band).</summary>
    ScaleUpUtilization,

    /// <summary>Too many waiting requests per ready replica: replicas added even though utilization lags.</summary>
    ScaleUpQueueDepth,

    /// <summary>Above the high mark, but warming (or not yet created) replicas already cover the need.</summary>
    WaitingForWarmingReplicas,

    /// <summary>Above the high mark, but not yet for the scale-up stabilization window.</summary>
    ScaleUpStabilizing,

    /// <summary>Below the low mark for the whole scale-down window: replicas removed.</summary>
    ScaleDownUtilization,

    /// <summary>In the band, and a smaller fleet would still run at or below the middle for the whole window.</summary>
    ScaleDownConsolidate,

    /// <summary>A smaller fleet is recommended, but not yet for the whole scale-down window.</summary>
    ScaleDownStabilizing,

    /// <summary>Some ready pods have missing or stale metrics: no scale-down.</summary>
    MetricsIncomplete,

    /// <summary>No ready pod has fresh metrics: the replica count is held.</summary>
    MetricsUnavailable,

    /// <summary>At zero replicas, a router found no ready replica for a request: one replica at once.</summary>
    ScaleUpFromZero,

    /// <summary>The metrics allow zero replicas, but a router asked for a replica within the scale-down window: one stays.</summary>
    RecentDemand,

    /// <summary>Fewer replicas than minReplicas: raised to it.</summary>
    BelowMinReplicas,

    /// <summary>More replicas than maxReplicas: lowered to it.</summary>
    AboveMaxReplicas,
}
