using SlmFleet.Operator.RoutingPolicies;
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

    /// <summary>Port of /healthz, /readyz and /metrics.</summary>
    public int HealthPort { get; init; } = 8081;

    /// <summary>Concurrent reconciles.</summary>
    public int Workers { get; init; } = 8;

    public SlmDeploymentOptions SlmDeployments { get; init; } = new();

    /// <summary>Where the router pods are and how often their usage is read.</summary>
    public RoutingPolicyOptions RoutingPolicies { get; init; } = new();
}
