using SlmFleet.Operator.SlmDeployments;

namespace SlmFleet.Operator.Hosting;

/// <summary>What <c>slm-operator run</c> was asked to do.</summary>
internal sealed record OperatorHostOptions
{
    /// <summary>Path of a kubeconfig; null: in-cluster config when in a pod, else the default kubeconfig.</summary>
    public string? Kubeconfig { get; init; }

    /// <summary>Watch only this namespace; null watches all namespaces.</summary>
    public string? Namespace { get; init; }

    /// <summary>Campaign for the <c>slm-operator</c> Lease and reconcile only while leading.</summary>
    public bool LeaderElect { get; init; }

    /// <summary>Namespace of the leader Lease; null: the pod's namespace (service account), else <c>default</c>.</summary>
    public string? LeaderElectionNamespace { get; init; }

    /// <summary>Address of /healthz, /readyz and /metrics: all interfaces in a pod (the kubelet probes the pod IP).</summary>
    public System.Net.IPAddress HealthAddress { get; init; } = System.Net.IPAddress.Any;

    /// <summary>Port of /healthz, /readyz and /metrics.</summary>
    public int HealthPort { get; init; } = 8081;

    /// <summary>Concurrent reconciles; each is mostly waiting on the API server, so more than cores.</summary>
    public int Workers { get; init; } = 16;

    public SlmDeploymentOptions SlmDeployments { get; init; } = new();
}
