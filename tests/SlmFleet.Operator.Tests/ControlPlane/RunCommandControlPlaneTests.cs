using FluentAssertions;
using k8s;
using k8s.Models;
using NUnit.Framework;
using SlmFleet.Api.V1Alpha1;
using SlmFleet.Operator.Commands;
using SlmFleet.Operator.SlmDeployments;
using SlmFleet.Testing;
using static SlmFleet.Operator.Tests.SlmDeployments.SlmDeploymentFixtures;

namespace SlmFleet.Operator.Tests.ControlPlane;

/// <summary><c>slm-operator run</c> as a user starts it — a kubeconfig file, leader election, the SlmDeployment controller — against a real kube-apiserver.</summary>
[TestFixture]
[NonParallelizable]
public sealed class RunCommandControlPlaneTests
{
    [Test]
    public async Task Run_WithKubeconfigAndLeaderElection_ReconcilesAndStopsCleanly()
    {
        // Arrange
        var plane = await RealOperator.ControlPlaneAsync();
        var ns = await plane.CreateNamespaceAsync("run");
        using var client = plane.CreateClient();
        using var stop = new CancellationTokenSource();
        var args = new[]
        {
            "run", "--kubeconfig", plane.KubeconfigPath, "--namespace", ns, "--leader-elect", "--leader-election-namespace", ns,
            "--health-address", "127.0.0.1", "--health-port", "0", "--worker-image", "registry.test/slm-worker:e2e",
        };
        var running = RunCommand.Create().Parse(args).InvokeAsync(cancellationToken: stop.Token);
        var resource = Valid();
        resource.Metadata = new V1ObjectMeta { Name = "e2e", NamespaceProperty = ns };

        // Act
        await client.CustomObjects.CreateNamespacedCustomObjectAsync<V1Alpha1SlmDeployment>(
            resource, SlmDeploymentResource.Group, SlmDeploymentResource.Version, ns, SlmDeploymentResource.Plural);
        V1Deployment? worker = null;
        await Poll.UntilAsync(
            async () => running.IsCompleted
                ? throw new InvalidOperationException($"slm-operator run exited early with {running.Result}")
                : (worker = (await client.AppsV1.ListNamespacedDeploymentAsync(ns)).Items.SingleOrDefault(d => d.Metadata.Name == "e2e-worker")) is not null,
            "the operator creates the worker Deployment");
        await stop.CancelAsync();
        var exitCode = await running;

        // Assert
        exitCode.Should().Be(0);
        worker!.Spec.Template.Spec.Containers[0].Image.Should().Be("registry.test/slm-worker:e2e");
        (await client.CoordinationV1.ReadNamespacedLeaseAsync("slm-operator", ns)).Should().NotBeNull();
    }
}
