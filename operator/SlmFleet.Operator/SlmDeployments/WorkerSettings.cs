using SlmFleet.Api.V1Alpha1;
using SlmFleet.Operator.Catalog;

namespace SlmFleet.Operator.SlmDeployments;

/// <summary>The spec with every default resolved: what the object builders render, nothing left to decide.</summary>
internal sealed record WorkerSettings
{
    public required string Name { get; init; }
    public required string Namespace { get; init; }
    public required string Image { get; init; }
    public required string ServedName { get; init; }
    /// <summary>The forced chat template; null = the worker renders the model's own (else its chatml preset).</summary>
    public required string? ChatTemplate { get; init; }
    public required int Replicas { get; init; }
    public required int MinReplicas { get; init; }
    public required AcceleratorProfile Accelerator { get; init; }
    public required int Devices { get; init; }
    /// <summary>Node affinity values; empty = no affinity (CPU without an override schedules anywhere).</summary>
    public required IReadOnlyList<string> InstanceTypes { get; init; }
    public required string ExecutionProvider { get; init; }
    public required int MaxBatchSize { get; init; }
    public required int MaxConcurrentRequests { get; init; }
    public required int MaxNewTokens { get; init; }
    public required IReadOnlyList<string> WarmupPrompts { get; init; }
    public required int WarmupTimeoutSeconds { get; init; }
    public required ModelMemoryEstimate Memory { get; init; }
    public string? CacheClaim { get; init; }
    public string? CacheSizeLimit { get; init; }

    /// <summary>One claim per pod (a generic ephemeral volume) instead of an emptyDir; null = not asked for.</summary>
    public PerReplicaClaimSpec? CachePerReplica { get; init; }

    /// <summary>Name of the worker Deployment, Service and PodDisruptionBudget.</summary>
    public string WorkloadName => WorkerLabels.WorkloadName(Name);

    /// <summary>Where the init container writes the model and the worker reads it.</summary>
    public string ModelPath => WorkerPorts.ModelsMountPath + "/" + Name;
}
