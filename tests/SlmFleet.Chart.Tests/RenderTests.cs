using FluentAssertions;
using k8s.Models;
using NUnit.Framework;
using SlmFleet.Chart.Tests.Infrastructure;

namespace SlmFleet.Chart.Tests;

[TestFixture]
public sealed class RenderTests
{
    private const string Operator = "slm-fleet-operator";
    private const string Router = "slm-fleet-router";

    private static IEnumerable<TestCaseData> Scenarios() =>
        RenderScenario.All.Select(s => new TestCaseData(s.Name).SetArgDisplayNames(s.Name));

    private static RenderScenario Scenario(string name) => RenderScenario.All.Single(s => s.Name == name);

    [TestCaseSource(nameof(Scenarios))]
    public void Template_Scenario_EveryDocumentParsesWithKubernetesModels(string scenario)
    {
        var chart = RenderedChart.For(Scenario(scenario));
        var problems = new List<string>();

        foreach (var document in chart.Documents)
        {
            if (KubernetesModels.Generic.Contains(document.TypeKey))
            {
                if (string.IsNullOrEmpty(document.Name) || document.Content["spec"] is null)
                {
                    problems.Add($"{document}: generic object without metadata.name or spec");
                }

                continue;
            }

            try
            {
                KubernetesModels.ToModel(document);
            }
            catch (InvalidOperationException exception)
            {
                problems.Add(exception.Message);
            }
        }

        chart.Documents.Should().NotBeEmpty();
        problems.Should().BeEmpty("every rendered object must parse with KubernetesClient's models (strict)");
    }

    [Test]
    public void ModelParsing_MisspeltField_IsReportedWithTheObject()
    {
        // Arrange: a copy of the chart whose container securityContext has a misspelt field.
        var chartCopy = ChartFiles.CopyChart();
        var values = Path.Combine(chartCopy, "values.yaml");
        File.WriteAllText(values, File.ReadAllText(values).Replace("  readOnlyRootFilesystem: true", "  readOnlyRootFileSystem: true", StringComparison.Ordinal));

        try
        {
            // Act
            var document = RenderedChart.Render(RenderScenario.Default, chartCopy).Single("Deployment", Operator);
            var parse = () => KubernetesModels.ToModel(document);

            // Assert
            parse.Should().Throw<InvalidOperationException>().WithMessage("*Deployment*slm-fleet-operator*V1Deployment*");
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(chartCopy)!, recursive: true);
        }
    }

    [TestCaseSource(nameof(Scenarios))]
    public void Template_Scenario_RendersOperatorAndRouterWithTheirServiceAccounts(string scenario)
    {
        var chart = RenderedChart.For(Scenario(scenario));

        var operatorDeployment = KubernetesModels.ToModel<V1Deployment>(chart.Single("Deployment", Operator));
        var routerDeployment = KubernetesModels.ToModel<V1Deployment>(chart.Single("Deployment", Router));
        var routerService = KubernetesModels.ToModel<V1Service>(chart.Single("Service", Router));

        operatorDeployment.Spec.Template.Spec.ServiceAccountName.Should().Be(Operator);
        routerDeployment.Spec.Template.Spec.ServiceAccountName.Should().Be(Router);
        chart.Single("ServiceAccount", Operator);
        chart.Single("ServiceAccount", Router);
        routerService.Spec.Selector.Should().Equal(routerDeployment.Spec.Selector.MatchLabels);
        routerService.Spec.Ports.Select(p => p.TargetPort.Value).Should().BeEquivalentTo(["http"]);
    }

    [Test]
    public void Template_IncludeCrds_RendersBothCustomResourceDefinitions()
    {
        var crdFolder = Path.Combine(Helm.ChartDirectory, "crds");
        var files = Directory.Exists(crdFolder) ? Directory.GetFiles(crdFolder, "*.yaml") : [];
        files.Should().NotBeEmpty("charts/slm-fleet/crds/ holds the generated CRDs (`make crds`); it is empty on a branch without the CRD generator's output");

        var names = RenderedChart.For(RenderScenario.Default).OfKind("CustomResourceDefinition").Select(d => d.Name);

        names.Should().Contain(["slmdeployments.slmfleet.io", "routingpolicies.slmfleet.io"]);
    }

    [Test]
    public void Template_GpuProduction_RunsTwoOperatorsWithLeaderElectionAndPdbs()
    {
        var chart = RenderedChart.For(RenderScenario.GpuProduction);

        var deployment = KubernetesModels.ToModel<V1Deployment>(chart.Single("Deployment", Operator));
        var args = deployment.Spec.Template.Spec.Containers.Single().Args;

        deployment.Spec.Replicas.Should().Be(2);
        args.Should().Contain("--leader-elect");
        args.Should().Contain(a => a.Contains("slm-worker-gpu", StringComparison.Ordinal), "GPU nodes run the CUDA worker image");
        chart.OfKind("PodDisruptionBudget").Select(d => d.Name).Should().BeEquivalentTo([Operator, Router]);
    }

    [Test]
    public void Template_DefaultValues_OperatorGetsHealthPortWorkerImageAndDefaults()
    {
        var chart = RenderedChart.For(RenderScenario.Default);

        var container = KubernetesModels.ToModel<V1Deployment>(chart.Single("Deployment", Operator)).Spec.Template.Spec.Containers.Single();
        var metricsService = KubernetesModels.ToModel<V1Service>(chart.Single("Service", Operator + "-metrics"));

        container.Args.Should().StartWith("run");
        container.Args.Should().ContainInOrder("--health-port", "8081");
        container.Args.Should().ContainInOrder("--worker-image", "slmfleet/slm-worker:0.1.0");
        container.Args.Should().ContainInOrder("--workers", "8");
        container.Args.Should().ContainInOrder("--router-metrics-port", "9090");
        container.Ports.Select(p => (p.Name, p.ContainerPort)).Should().BeEquivalentTo([("health", 8081)]);
        container.ReadinessProbe.HttpGet.Port.Value.Should().Be("health");
        metricsService.Spec.Ports.Single().TargetPort.Value.Should().Be("health", "/metrics is served on the health port");
    }

    [Test]
    public void Template_AllOptions_MountsTlsAndKeySecretsReadOnly()
    {
        var chart = RenderedChart.For(RenderScenario.AllOptions);

        var pod = KubernetesModels.ToModel<V1Deployment>(chart.Single("Deployment", Router)).Spec.Template.Spec;
        var container = pod.Containers.Single();

        pod.Volumes.Where(v => v.Secret is not null).Select(v => v.Secret.SecretName)
            .Should().BeEquivalentTo(["llm-key", "slm-fleet-router-api-keys", "router-tls"]);
        container.VolumeMounts.Where(m => m.Name != "tmp").Should().OnlyContain(m => m.ReadOnlyProperty == true);
        container.VolumeMounts.Should().Contain(m => m.MountPath == "/var/run/secrets/slmfleet/llm-key", "the router reads <secrets-dir>/<secret>/<key>");
        container.Args.Should().ContainInOrder("--listen", "https://0.0.0.0:8080");
        container.Args.Should().ContainInOrder("--client-keys-file", "/var/run/slmfleet/client-keys/api-keys");
        container.Args.Should().ContainInOrder("--tls-certificate", "/var/run/slmfleet/tls/tls.crt", "--tls-private-key", "/var/run/slmfleet/tls/tls.key");
        container.VolumeMounts.Should().Contain(m => m.Name == "tls" && m.MountPath == "/var/run/slmfleet/tls", "the TLS flags point into the mounted Secret");
        container.Env.Select(e => e.Name).Should().NotContain(n => n.StartsWith("Kestrel__", StringComparison.Ordinal), "the router's slim host does not read Kestrel's certificate configuration");
        chart.Single("Secret", "slm-fleet-router-api-keys");
        chart.OfKind("NetworkPolicy").Should().HaveCount(2);
    }

    [Test]
    public void Template_DefaultValues_MountsNoSecretsAndCreatesNoNetworkPolicy()
    {
        var chart = RenderedChart.For(RenderScenario.Default);

        var pod = KubernetesModels.ToModel<V1Deployment>(chart.Single("Deployment", Router)).Spec.Template.Spec;

        pod.Volumes.Should().OnlyContain(v => v.Secret == null);
        chart.OfKind("NetworkPolicy").Should().BeEmpty();
        chart.OfKind("Secret").Should().BeEmpty();
    }

    [Test]
    public void Template_DefaultValues_RouterGetsHeaderLimitsAndNoTlsFlags()
    {
        var chart = RenderedChart.For(RenderScenario.Default);

        var container = KubernetesModels.ToModel<V1Deployment>(chart.Single("Deployment", Router)).Spec.Template.Spec.Containers.Single();

        container.Args.Should().ContainInOrder("--listen", "http://0.0.0.0:8080");
        container.Args.Should().ContainInOrder("--max-request-header-bytes", "32768");
        container.Args.Should().ContainInOrder("--max-request-headers", "100");
        container.Args.Should().NotContain(["--tls-certificate", "--tls-private-key"]);
    }

    [Test]
    public void Template_DefaultValues_RouterServesMetricsOnItsOwnPortAndIsReadyAfterWarmUp()
    {
        var chart = RenderedChart.For(RenderScenario.DefaultWithMonitoring);

        var container = KubernetesModels.ToModel<V1Deployment>(chart.Single("Deployment", Router)).Spec.Template.Spec.Containers.Single();
        var apiService = KubernetesModels.ToModel<V1Service>(chart.Single("Service", Router));
        var metricsService = KubernetesModels.ToModel<V1Service>(chart.Single("Service", Router + "-metrics"));
        var monitor = chart.Single("ServiceMonitor", Router).Content["spec"]!;

        container.Args.Should().ContainInOrder("--metrics-listen", "http://0.0.0.0:9090");
        container.Ports.Select(p => (p.Name, p.ContainerPort)).Should().BeEquivalentTo([("http", 8080), ("metrics", 9090)]);
        container.ReadinessProbe.HttpGet.Path.Should().Be("/readyz");
        container.LivenessProbe.HttpGet.Path.Should().Be("/healthz");
        apiService.Spec.Ports.Select(p => p.TargetPort.Value).Should().NotContain("metrics", "the API Service may be a LoadBalancer; /metrics stays inside the cluster");
        metricsService.Spec.Type.Should().Be("ClusterIP");
        metricsService.Spec.Ports.Single().TargetPort.Value.Should().Be("metrics");
        metricsService.Metadata.Labels.Should().Contain("slmfleet.io/metrics", "true");
        monitor["selector"]!["matchLabels"]!["slmfleet.io/metrics"]!.GetValue<string>().Should().Be("true", "only the metrics Service is scraped");
        monitor["endpoints"]![0]!["port"]!.GetValue<string>().Should().Be("metrics");
    }

    [TestCase("", "EmptyDir")]
    [TestCase("distillation-set", "PersistentVolumeClaim")]
    public void Template_DistillationEnabled_RouterWritesToItsVolume(string claim, string volumeKind)
    {
        var chart = RenderedChart.With(RenderScenario.Default, "--set", "router.distillation.enabled=true", "--set", $"router.distillation.existingClaim={claim}");

        var pod = KubernetesModels.ToModel<V1Deployment>(chart.Single("Deployment", Router)).Spec.Template.Spec;
        var container = pod.Containers.Single();
        container.Args.Should().ContainInOrder("--distillation-dir", "/var/lib/slmfleet/distillation");
        container.VolumeMounts.Should().ContainSingle(m => m.Name == "distillation" && m.MountPath == "/var/lib/slmfleet/distillation" && m.ReadOnlyProperty != true);
        var volume = pod.Volumes.Single(v => v.Name == "distillation");
        (volumeKind == "EmptyDir" ? volume.EmptyDir is not null : volume.PersistentVolumeClaim?.ClaimName == claim).Should().BeTrue();
    }

    [Test]
    public void Template_DefaultValues_RouterHasNoDistillationVolume()
    {
        var container = KubernetesModels.ToModel<V1Deployment>(RenderedChart.For(RenderScenario.Default).Single("Deployment", Router)).Spec.Template.Spec.Containers.Single();

        container.Args.Should().NotContain("--distillation-dir");
    }

    [Test]
    public void Template_NetworkPolicyWithMetricsFrom_OpensTheMetricsPortToScrapersAndTheOperatorOnly()
    {
        var chart = RenderedChart.For(new RenderScenario("metrics-from", [
            "--set", "networkPolicy.enabled=true",
            "--set", "networkPolicy.metricsFrom[0].namespaceSelector.matchLabels.name=monitoring",
        ]));

        var policy = KubernetesModels.ToModel<V1NetworkPolicy>(chart.Single("NetworkPolicy", Router));
        var metricsRule = policy.Spec.Ingress.Single(r => r.Ports.Any(p => p.Port.Value == "metrics"));

        metricsRule.Ports.Should().ContainSingle();
        metricsRule.FromProperty.Should().HaveCount(2);
        metricsRule.FromProperty[0].NamespaceSelector.MatchLabels.Should().Contain("name", "monitoring");
        metricsRule.FromProperty[1].PodSelector.MatchLabels.Should().Contain("app.kubernetes.io/component", "operator");
        policy.Spec.Ingress.Where(r => r != metricsRule).Should().OnlyContain(r => r.Ports.All(p => p.Port.Value == "http"), "the API rule does not open the metrics port");
    }

    [Test]
    public void Template_MonitoringAutoWithoutApi_RendersNoMonitoringObjects()
    {
        var kinds = RenderedChart.For(RenderScenario.Default).Documents.Select(d => d.Kind);

        kinds.Should().NotContain(["ServiceMonitor", "PodMonitor", "PrometheusRule"]);
        kinds.Should().Contain("ConfigMap", "the dashboard ConfigMap needs no CRD");
    }

    [Test]
    public void Template_MonitoringAutoWithApi_RendersMonitorsAndRule()
    {
        var chart = RenderedChart.For(RenderScenario.DefaultWithMonitoring);

        chart.OfKind("ServiceMonitor").Select(d => d.Name).Should().BeEquivalentTo([Operator, Router]);
        chart.OfKind("PodMonitor").Should().ContainSingle();
        chart.OfKind("PrometheusRule").Should().ContainSingle();
    }

    [Test]
    public void Template_MonitoringForcedOffWithApi_RendersNoMonitoringObjects()
    {
        var result = RenderedChart.TryRender(
            RenderScenario.DefaultWithMonitoring, Helm.ChartDirectory,
            "--set", "monitoring.serviceMonitor.enabled=false", "--set", "monitoring.podMonitor.enabled=false", "--set", "prometheusRule.enabled=false");

        result.ExitCode.Should().Be(0, result.Describe());
        result.StandardOutput.Should().NotContain("kind: ServiceMonitor").And.NotContain("kind: PodMonitor").And.NotContain("kind: PrometheusRule");
    }

    [Test]
    public void Template_PodMonitor_RelabelsWorkerSeriesWithDeployment()
    {
        var monitor = RenderedChart.For(RenderScenario.DefaultWithMonitoring).OfKind("PodMonitor").Single();

        var relabelings = monitor.Content["spec"]!["podMetricsEndpoints"]![0]!["relabelings"]!.AsArray();

        relabelings.Select(r => r!["targetLabel"]!.GetValue<string>()).Should().BeEquivalentTo(["namespace", "pod", "deployment"]);
        relabelings.Select(r => r!["sourceLabels"]![0]!.GetValue<string>()).Should().Contain("__meta_kubernetes_pod_label_slmfleet_io_deployment");
    }

    [Test]
    public void Template_SeveralOperatorsWithoutLeaderElection_FailsNamingTheFields()
    {
        var result = RenderedChart.TryRender(RenderScenario.Default, Helm.ChartDirectory,
            "--set", "operator.replicas=2", "--set", "operator.leaderElection.enabled=false");

        result.ExitCode.Should().NotBe(0);
        result.StandardError.Should().Contain("operator.replicas").And.Contain("operator.leaderElection.enabled");
    }

    [Test]
    public void Template_TlsWithoutSecretName_FailsNamingTheField()
    {
        var result = RenderedChart.TryRender(RenderScenario.Default, Helm.ChartDirectory, "--set", "router.tls.enabled=true");

        result.ExitCode.Should().NotBe(0);
        result.StandardError.Should().Contain("router.tls.secretName");
    }

    [Test]
    public void Template_UnknownMonitoringToggle_FailsNamingTheAcceptedValues()
    {
        var result = RenderedChart.TryRender(RenderScenario.Default, Helm.ChartDirectory, "--set", "prometheusRule.enabled=sometimes");

        result.ExitCode.Should().NotBe(0);
        result.StandardError.Should().Contain("/prometheusRule/enabled").And.Contain("'auto', 'true', 'false'");
    }

    [Test]
    public void Template_MisspeltValuesKey_FailsNamingIt()
    {
        var result = RenderedChart.TryRender(RenderScenario.Default, Helm.ChartDirectory, "--set", "operator.replicaz=2");

        result.ExitCode.Should().NotBe(0);
        result.StandardError.Should().Contain("/operator").And.Contain("replicaz");
    }

    [Test]
    public void Template_CreateApiKeySecretWithoutKeys_FailsNamingTheField()
    {
        var result = RenderedChart.TryRender(RenderScenario.Default, Helm.ChartDirectory, "--set", "clientApiKeySecret.create=true");

        result.ExitCode.Should().NotBe(0);
        result.StandardError.Should().Contain("clientApiKeySecret.apiKeys");
    }
}
