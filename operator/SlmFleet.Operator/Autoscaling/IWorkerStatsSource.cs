using k8s.Models;

namespace SlmFleet.Operator.Autoscaling;

/// <summary>Reads a worker pod's current load. The operator's implementation calls the worker's gRPC <c>Stats</c>.</summary>
internal interface IWorkerStatsSource
{
    /// <summary>
    /// The pod's stats. Throws when the worker cannot be read (no address yet, unreachable, deadline,
    /// bad answer): the autoscaler then treats the sample as missing, which never causes a scale-down.
    /// </summary>
    Task<WorkerStats> ReadAsync(V1Pod pod, CancellationToken cancellationToken);
}
