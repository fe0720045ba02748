namespace SlmFleet.Bench.Autoscaler;

/// <summary>
/// What one run of one autoscaler over one trace measured. <c>WaitP99Seconds</c>: the requests the SLM
/// served (arrival to the start of service); <c>OverallWaitP99Seconds</c>: every answered request, the
/// escalated ones until they were sent to the LLM; <c>ColdStart</c>: the cold-start policy's figures,
/// null when the run had none.
/// </summary>
internal sealed record SimulationResult(
    double TimeInBand,
    double WaitP99Seconds,
    long SloMisses,
    long Dropped,
    double ReplicaHours,
    double OracleReplicaHours,
    long Requests,
    int MaxQueue,
    int ScaleEvents,
    double MeanUtilization,
    double OverallWaitP99Seconds,
    ColdStartOutcome? ColdStart)
{
    /// <summary>Replica-hours as a multiple of the oracle's.</summary>
    public double VsOracle => ReplicaHours / OracleReplicaHours;
}
