using FluentAssertions;
using k8s;
using k8s.Models;
using NUnit.Framework;
using SlmFleet.Api.V1Alpha1;
using SlmFleet.Operator.Commands;
using SlmFleet.Operator.SlmDeployments;
using SlmFleet.Testing.Kubernetes;
using SlmFleet.Testing;
using static SlmFleet.Operator.Tests.SlmDeployments.SlmDeploymentFixtures;

namespace SlmFleet.Operator.Tests.SlmDeployments;

/// <summary><c>slm-operator run</c> as a user starts it: a kubeconfig file, leader election, the SlmDeployment controller.</summary>
[TestFixture]
public sealed class RunCommandEndToEndTests
{
    private KubeApiTestServer _server = null!;
    private string _kubeconfig = null!;

    [SetUp]
    public async Task SetUp()
    {
        _server = await KubeApiTestServer.StartAsync();
        _server.RegisterResource(ReconcilerHarness.SlmDeploymentType);
        _kubeconfig = Path.Combine(Path.GetTempPath(), $"slm-kubeconfig-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(_kubeconfig, Kubeconfig("token: not-a-secret"));
    }

    [TearDown]
    public async Task TearDown()
    {
        File.Delete(_kubeconfig);
        await _server.DisposeAsync();
    }

    [Test]
    public async Task Run_WithKubeconfigAndLeaderElection_ReconcilesAndStopsCleanly()
    {
        // Arrange
        using var stop = new CancellationTokenSource();
        var args = new[] { "run", "--kubeconfig", _kubeconfig, "--leader-elect", "--leader-election-namespace", "ops", "--health-address", "127.0.0.1", "--health-port", "0", "--worker-image", "registry.test/slm-worker:e2e" };
        var running = RunCommand.Create().Parse(args).InvokeAsync(cancellationToken: stop.Token);
        using var client = _server.CreateClient();
        var resource = Valid();
        resource.Metadata = new V1ObjectMeta { Name = "e2e", NamespaceProperty = ReconcilerHarness.Namespace };

        // Act
        await client.CustomObjects.CreateNamespacedCustomObjectAsync<V1Alpha1SlmDeployment>(
            resource, SlmDeploymentResource.Group, SlmDeploymentResource.Version, ReconcilerHarness.Namespace, SlmDeploymentResource.Plural);
        await Poll.UntilAsync(
            () => running.IsCompleted
                ? throw new InvalidOperationException($"slm-operator run exited early with {running.Result}")
                : _server.Get<V1Deployment>("apps", "deployments", ReconcilerHarness.Namespace, "e2e-worker") is not null,
            "the operator creates the worker Deployment",
            TimeSpan.FromSeconds(60));
        await stop.CancelAsync();
        var exitCode = await running;

        // Assert
        exitCode.Should().Be(0);
        _server.Get<V1Deployment>("apps", "deployments", ReconcilerHarness.Namespace, "e2e-worker")!
            .Spec.Template.Spec.Containers[0].Image.Should().Be("registry.test/slm-worker:e2e");
        _server.Get<V1Lease>("coordination.k8s.io", "leases", "ops", "slm-operator").Should().NotBeNull();
    }

    [Test]
    public async Task Run_KubeconfigWithoutCredentials_ExitsWithCodeTwo()
    {
        // Arrange
        await File.WriteAllTextAsync(_kubeconfig, Kubeconfig("{}"));

        // Act
        var exitCode = await RunCommand.Create().Parse(["run", "--kubeconfig", _kubeconfig, "--health-address", "127.0.0.1", "--health-port", "0"]).InvokeAsync();

        // Assert
        exitCode.Should().Be(2);
    }

    [TestCase("--health-port", "70000", "0–65535")]
    [TestCase("--workers", "0", "1–256")]
    [TestCase("--health-address", "localhost:80", "not an IP address")]
    public void Parse_BadOption_ErrorNamesOptionAndAcceptedValues(string option, string value, string accepted)
    {
        // Act
        var result = RunCommand.Create().Parse(["run", option, value]);

        // Assert
        result.Errors.Should().ContainSingle().Which.Message.Should().Contain(option).And.Contain(accepted);
    }

    private string Kubeconfig(string credentials) => $$"""
        apiVersion: v1
        kind: Config
        clusters:
        - name: test
          cluster:
            server: {{_server.Url}}
        contexts:
        - name: test
          context:
            cluster: test
            user: test
        current-context: test
        users:
        - name: test
          user: {{(credentials == "{}" ? "{}" : "\n    " + credentials)}}
        """;
}
