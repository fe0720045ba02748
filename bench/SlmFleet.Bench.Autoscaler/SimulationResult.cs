namespace SlmFleet.Bench.Autoscaler;

/// <summary>What one run of one autoscaler over one trace measured.</summary>
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
    double MeanUtilization);
