using SlmFleet.Api.V1Alpha1;

namespace SlmFleet.Bench.Autoscaler;

/// <summary>
/// One router behaviour for requests that find no ready replica, as the shared rule
/// (<see cref="SlmFleet.Api.ColdStart.ColdStartPlanner"/>) reads it: the policy's cold-start settings and
/// whether the LLM may be called at all.
/// </summary>
/// <param name="Key">The policy's key in autoscaler.json.</param>
/// <param name="Name">How the report names it.</param>
/// <param name="Spec">The cold-start settings the rule reads (objective, hold queue).</param>
/// <param name="CanEscalate">False where the LLM may not be called: the rule then only holds.</param>
internal sealed record ColdStartPolicy(string Key, string Name, ColdStartSpec Spec, bool CanEscalate)
{
    public double ObjectiveSeconds => Spec.MaxWaitMilliseconds / 1000.0;

    /// <summary>
    /// Waits for the replica however long: no LLM to escalate to, the objective is the warm-up timeout
    /// (a request still held then fails, as the pod would be reported overdue), and the hold queue is the
    /// CRD's largest (a full queue with no LLM would fail the request).
    /// </summary>
    public static ColdStartPolicy HoldOnly() =>
        new("hold_only", "hold-only", new ColdStartSpec { MaxWaitMilliseconds = new WarmupSpec().TimeoutSeconds * 1000, MaxQueued = 10000 }, CanEscalate: false);

    /// <summary>Objective 0: every request that finds no ready replica goes to the LLM.</summary>
    public static ColdStartPolicy EscalateAlways() =>
        new("escalate_always", "escalate-always", new ColdStartSpec { MaxWaitMilliseconds = 0 }, CanEscalate: true);

    /// <summary>The rule with a latency objective and the default hold queue.</summary>
    public static ColdStartPolicy WaitOrEscalate(int objectiveSeconds) =>
        new($"wait_or_escalate_{objectiveSeconds}s", $"wait-or-escalate {objectiveSeconds} s", new ColdStartSpec { MaxWaitMilliseconds = objectiveSeconds * 1000 }, CanEscalate: true);

    /// <summary>The rule with another hold queue depth than the default (one replica's batch).</summary>
    public static ColdStartPolicy WaitOrEscalate(int objectiveSeconds, int maxQueued) =>
        new($"wait_or_escalate_{objectiveSeconds}s_queue_{maxQueued}", $"wait-or-escalate {objectiveSeconds} s, maxQueued {maxQueued}",
            new ColdStartSpec { MaxWaitMilliseconds = objectiveSeconds * 1000, MaxQueued = maxQueued }, CanEscalate: true);
}
