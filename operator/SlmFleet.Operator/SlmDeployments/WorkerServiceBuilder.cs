using k8s.Models;
using SlmFleet.Api.V1Alpha1;

namespace SlmFleet.Operator.SlmDeployments;

/// <summary>Renders the ClusterIP Service routers dial (gRPC) and Prometheus scrapes (metrics). Pure.</summary>
internal static class WorkerServiceBuilder
{
    public static V1Service Build(WorkerSettings settings, V1Alpha1SlmDeployment owner) => new()
    {
        ApiVersion = "v1",
        Kind = "Service",
        Metadata = WorkerLabels.Metadata(settings, owner),
        Spec = new V1ServiceSpec
        {
            Type = "ClusterIP",
            Selector = WorkerLabels.Selector(settings.Name),
            Ports =
            [
                new V1ServicePort { Name = WorkerPorts.GrpcName, Port = WorkerPorts.Grpc, TargetPort = WorkerPorts.GrpcName, Protocol = "TCP", AppProtocol = "grpc" },
                new V1ServicePort { Name = WorkerPorts.MetricsName, Port = WorkerPorts.Metrics, TargetPort = WorkerPorts.MetricsName, Protocol = "TCP", AppProtocol = "http" },
            ],
        },
    };

    /// <summary>The endpoint routers connect to, as written to status.endpoint.</summary>
    public static string Endpoint(WorkerSettings settings) =>
        $"{settings.WorkloadName}.{settings.Namespace}.svc:{WorkerPorts.Grpc}";
}
