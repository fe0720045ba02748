using SlmFleet.Api.V1Alpha1;

namespace SlmFleet.Operator.Autoscaling;

/// <summary>What the autoscaler carries between passes for one SlmDeployment (keyed by its uid).</summary>
internal sealed class FleetMemory
{
    /// <summary>The decision's state (stabilization windows).</summary>
    public AutoscalerState State { get; set; } = AutoscalerState.Empty;

    /// <summary>When this operator last changed the replica count; seeded from status.lastScaleTime after a restart.</summary>
    public DateTimeOffset? LastScaleTime { get; set; }

    /// <summary>Last good stats per pod name; a failed read keeps the old sample, which turns stale.</summary>
    public Dictionary<string, WorkerSample> Samples { get; } = new(StringComparer.Ordinal);

    /// <summary>The warm-up status this operator last wrote: the informer's copy may not show it yet, and a pod must not be measured twice.</summary>
    public WarmUpStatus? WarmUp { get; set; }

    /// <summary>Whether the last decision was clamped by maxReplicas (a ScalingLimited Event is posted on the change).</summary>
    public bool Clamped { get; set; }
}
