using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace SlmFleet.Api.V1Alpha1;

/// <summary>
/// What the router does with a request for an SlmDeployment scaled to zero (<c>minReplicas: 0</c>, no
/// ready replica). It records the demand on the SlmDeployment (annotation <c>slmfleet.io/demand-at</c>),
/// which makes the operator scale 0 → 1 at once, then per request either holds it until a replica is
/// ready or sends it to the LLM with reason <c>cold_start</c>: at once when the predicted ready time
/// (the warm-up duration the operator measured, <c>status.warmUp.predictedSeconds</c>, less the time the
/// cold start has already run) is beyond <c>maxWaitMilliseconds</c> or the hold queue is full, else
/// after <c>maxWaitMilliseconds</c> if no replica became ready by then. No request waits longer than
/// <c>maxWaitMilliseconds</c> for a replica.
/// </summary>
public sealed class ColdStartSpec
{
    /// <summary>The latency objective of a cold start: the longest a request is held for a replica to become ready, in milliseconds; 0 escalates every cold request at once.</summary>
    [Range(0, 600000)]
    [DefaultValue(30000)]
    [JsonPropertyName("maxWaitMilliseconds")]
    public int MaxWaitMilliseconds { get; set; } = 30000;

    /// <summary>
    /// Requests one router replica holds per SlmDeployment during a cold start; the next ones go to the LLM at
    /// once. Held requests all land on the first ready replica, so more than its batch (the worker's
    /// --max-batch, 16 by default) divided by the router replicas makes them queue there past the objective.
    /// </summary>
    [Range(0, 10000)]
    [DefaultValue(16)]
    [JsonPropertyName("maxQueued")]
    public int MaxQueued { get; set; } = 16;
}
