using FluentAssertions;
using k8s;
using NUnit.Framework;
using SlmFleet.Api.V1Alpha1;
using SlmFleet.Operator.Commands;
using SlmFleet.Operator.RoutingPolicies;
using SlmFleet.Testing.Kubernetes;
using SlmFleet.Testing;
using static SlmFleet.Operator.Tests.RoutingPolicies.RoutingPolicyFixtures;

namespace SlmFleet.Operator.Tests.RoutingPolicies;

/// <summary><c>slm-operator run</c> as a user starts it: the RoutingPolicy controller and the usage collector are wired and fill status from a router's /metrics.</summary>
[TestFixture]
public sealed class RunCommandUsageEndToEndTests
{
    [Test]
    public async Task Run_WithRouterMetricsUrl_PolicyStatusShowsTheRoutersUsage()
    {
        // Arrange
        await using var server = await KubeApiTestServer.StartAsync();
        server.RegisterResource(PolicyControllerHarness.RoutingPolicyType);
        server.RegisterResource(PolicyControllerHarness.SlmDeploymentType);
        await using var router = await RouterStandIn.StartAsync(RouterPage("support-bot", slm: 40, llm: 10, lowConfidence: 10, rule: 0, spendUsd: 0.75, promptTokens: 100_000, completionTokens: 10_000));
        var kubeconfig = Path.Combine(Path.GetTempPath(), $"slm-kubeconfig-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(kubeconfig, $$"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: test
              cluster:
                server: {{server.Url}}
            contexts:
            - name: test
              context:
                cluster: test
                user: test
            current-context: test
            users:
            - name: test
              user:
                token: not-a-secret
            """);
        using var stop = new CancellationTokenSource();
        using var client = server.CreateClient();
        try
        {
            var args = new[]
            {
                "run", "--kubeconfig", kubeconfig, "--health-address", "127.0.0.1", "--health-port", "0",
                "--router-metrics-url", router.MetricsUrl.ToString(), "--router-namespace", Namespace, "--usage-interval-seconds", "1",
            };
            var running = RunCommand.Create().Parse(args).InvokeAsync(cancellationToken: stop.Token);

            // Act
            await client.CustomObjects.CreateNamespacedCustomObjectAsync<V1Alpha1SlmDeployment>(
                Deployment(), RoutingPolicyResource.Group, RoutingPolicyResource.Version, Namespace, V1Alpha1SlmDeployment.Plural);
            var policy = Policy(secret: null);
            policy.Metadata.Uid = null;
            policy.Metadata.Generation = null;
            await client.CustomObjects.CreateNamespacedCustomObjectAsync<V1Alpha1RoutingPolicy>(
                policy, RoutingPolicyResource.Group, RoutingPolicyResource.Version, Namespace, RoutingPolicyResource.Plural);
            await Poll.UntilAsync(
                () => running.IsCompleted
                    ? throw new InvalidOperationException($"slm-operator run exited early with {running.Result}")
                    : server.Get<V1Alpha1RoutingPolicy>(RoutingPolicyResource.Group, RoutingPolicyResource.Plural, Namespace, "support")?.Status?.Requests == 50,
                "the policy's status shows the router's requests",
                TimeSpan.FromSeconds(60));
            await stop.CancelAsync();
            var exitCode = await running;

            // Assert
            exitCode.Should().Be(0);
            var status = server.Get<V1Alpha1RoutingPolicy>(RoutingPolicyResource.Group, RoutingPolicyResource.Plural, Namespace, "support")!.Status;
            status.SpendThisMonthUsd.Should().BeApproximately(0.75, 1e-9);
            status.EscalationRate.Should().BeApproximately(0.2, 1e-9);
            status.Conditions.Should().Contain(c => c.Type == RoutingPolicyConditionTypes.Ready && c.Status == "True");
        }
        finally
        {
            await stop.CancelAsync();
            File.Delete(kubeconfig);
        }
    }
}
