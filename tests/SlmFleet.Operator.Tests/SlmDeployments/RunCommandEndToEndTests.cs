using FluentAssertions;
using NUnit.Framework;
using SlmFleet.Operator.Commands;
using SlmFleet.Testing.Kubernetes;

namespace SlmFleet.Operator.Tests.SlmDeployments;

/// <summary><c>slm-operator run</c>'s options and its refusal of a kubeconfig without credentials; a full run against a real API server is in <c>ControlPlane/RunCommandControlPlaneTests</c>.</summary>
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
