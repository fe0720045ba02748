namespace SlmFleet.Operator.SlmDeployments;

/// <summary>Fixed ports and paths of the worker contract (the worker's <c>serve</c> defaults).</summary>
internal static class WorkerPorts
{
    public const int Grpc = 50051;
    public const int Metrics = 9090;
    public const string GrpcName = "grpc";
    public const string MetricsName = "metrics";
    public const string ModelsMountPath = "/models";
}
