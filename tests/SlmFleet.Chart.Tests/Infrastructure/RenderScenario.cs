namespace SlmFleet.Chart.Tests.Infrastructure;

/// <summary>A named set of helm template arguments (values files, --set, API versions).</summary>
internal sealed record RenderScenario(string Name, IReadOnlyList<string> Arguments)
{
    public const string ReleaseName = "slm-fleet";
    public const string ReleaseNamespace = "slm-system";
    public const string MonitoringApi = "monitoring.coreos.com/v1";

    public static RenderScenario Default { get; } = new("default", []);

    /// <summary>Default values in a cluster that has the Prometheus Operator's CRDs ("auto" toggles turn on).</summary>
    public static RenderScenario DefaultWithMonitoring { get; } = new("default+monitoring", ["--api-versions", MonitoringApi]);

    public static RenderScenario GpuProduction { get; } = new("gpu-production", ["-f", "charts/slm-fleet/values-gpu-production.yaml"]);

    /// <summary>Every optional object on: TLS, key Secrets, NetworkPolicy, PDBs, namespaced Secret access.</summary>
    public static RenderScenario AllOptions { get; } = new(
        "all-options",
        [
            "--api-versions", MonitoringApi,
            "--set", "networkPolicy.enabled=true",
            "--set", "router.tls.enabled=true",
            "--set", "router.tls.secretName=router-tls",
            "--set", "llmSecretName=llm-key",
            "--set", "clientApiKeySecret.create=true",
            "--set", "clientApiKeySecret.apiKeys={test-key-one-0123456789,test-key-two-0123456789}",
            "--set", "rbac.secretNamespaces={team-a,team-b}",
            "--set", "operator.podDisruptionBudget.enabled=true",
            "--set", "router.podDisruptionBudget.enabled=true",
            "--set", "operator.replicas=2",
        ]);

    public static IReadOnlyList<RenderScenario> All { get; } = [Default, DefaultWithMonitoring, GpuProduction, AllOptions];

    public override string ToString() => Name;
}
