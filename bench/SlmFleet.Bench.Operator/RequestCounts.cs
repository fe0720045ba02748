namespace SlmFleet.Bench.Operator;

/// <summary>The API test server's request counters, as the child process reports them.</summary>
internal sealed record RequestCounts(long Total, long Writes, long SlmDeploymentCreates, Dictionary<string, long> ByVerbAndResource);
