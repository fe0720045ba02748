namespace SlmFleet.Bench.Autoscaler;

/// <summary>What one cold-start policy measured on the scale-from-zero trace (times in seconds).</summary>
/// <param name="Policy">The policy the router ran.</param>
/// <param name="ReferenceObjectiveSeconds">The objective every policy is also counted against.</param>
/// <param name="ColdRequests">Requests that arrived while no replica was ready.</param>
/// <param name="Held">Cold requests the rule held for a replica.</param>
/// <param name="Escalations">Cold requests sent to the LLM, by the rule's cause.</param>
/// <param name="HeldBeyondObjective">Cold requests held for a replica longer than the objective (the rule's guarantee: 0).</param>
/// <param name="WaitedBeyondObjective">Cold requests whose wait for service (hold, then the first replica's batch slots) or for escalation passed the objective.</param>
/// <param name="WaitedBeyondReference">The same against the reference objective every policy is compared at.</param>
/// <param name="ColdWaitP99">p99 wait of the cold requests: to the start of SLM service, or to escalation.</param>
/// <param name="TimeToFirstReady">From the first cold request to the first ready replica; null if none became ready.</param>
/// <param name="ZeroReplicasAt">When the fleet first had no replica at all; null if it never scaled to zero.</param>
/// <param name="FirstColdRequestAt">When the first request found no ready replica.</param>
internal sealed record ColdStartOutcome(
    ColdStartPolicy Policy,
    double ReferenceObjectiveSeconds,
    long ColdRequests,
    long Held,
    IReadOnlyDictionary<string, long> Escalations,
    long HeldBeyondObjective,
    long WaitedBeyondObjective,
    long WaitedBeyondReference,
    double ColdWaitP99,
    double? TimeToFirstReady,
    double? ZeroReplicasAt,
    double? FirstColdRequestAt)
{
    public long Escalated => Escalations.Values.Sum();

    public double LlmSpendUsd => Escalated * LlmPrice.PerRequestUsd;
}
