using System.Text;
using FluentAssertions;
using SlmFleet.Testing.Logging;
using k8s;
using k8s.Models;
using NUnit.Framework;
using SlmFleet.Api.V1Alpha1;
using SlmFleet.Operator.SlmDeployments;
using SlmFleet.Operator.Tests.SlmDeployments;
using SlmFleet.Testing;
using SlmFleet.Testing.Kubernetes;
using static SlmFleet.Operator.Tests.Reliability.FleetInvariants;

namespace SlmFleet.Operator.Tests.Reliability;

/// <summary>
/// The operator reconciles SlmDeployments whose model source references a Secret with a known HF token
/// (present, present without the key, absent), under some API faults so error paths log too. Nothing it
/// writes or emits (Events, status, owned objects, logs at Trace, metrics) may contain the token, plain
/// or base64; the worker gets it only as a secretKeyRef.
/// </summary>
[TestFixture]
public sealed class OperatorSecretLeakTests
{
    private const string HfToken = "hf_reliabilityTOKEN9d2e7c4a1b8f6e3d";

    [Test]
    public async Task Reconcile_SecretReferencingDeployments_TokenInNoEventStatusObjectLogOrMetric()
    {
        // Arrange
        await using var server = await KubeApiTestServer.StartAsync(new KubeApiTestServerOptions { Seed = 7 });
        server.RegisterResource(ReconcilerHarness.SlmDeploymentType);
        using var client = server.CreateClient();
        var logs = new RecordingLoggerProvider();
        await client.CoreV1.CreateNamespacedSecretAsync(
            new V1Secret { Metadata = new V1ObjectMeta { Name = "hf-token", NamespaceProperty = Namespace }, Data = new Dictionary<string, byte[]> { ["token"] = Encoding.UTF8.GetBytes(HfToken) } },
            Namespace);
        await using var op = new OperatorUnderTest(server.Url, logs);
        op.Start();

        // Act
        // Faults on reads and status/spec writes (error paths log); creates stay clean so Events are not dropped
        // (they are best effort) and there is always something to scan.
        foreach (var verb in new[] { ApiVerb.Get, ApiVerb.List, ApiVerb.Watch, ApiVerb.Update, ApiVerb.Patch })
        {
            server.Faults.SetErrorRate(verb, 0.1);
        }

        await CreateAsync(client, "with-secret", "hf-token");
        await CreateAsync(client, "no-such-secret", "absent");
        var wrongKey = SlmDeploymentFixtures.Valid();
        wrongKey.Metadata = new V1ObjectMeta { Name = "wrong-key", NamespaceProperty = Namespace };
        wrongKey.Spec.Model.Source.SecretRef = new SecretKeyReference { Name = "hf-token", Key = "nope" };
        await RetryAsync(() => client.CustomObjects.CreateNamespacedCustomObjectAsync<V1Alpha1SlmDeployment>(
            wrongKey, SlmDeploymentResource.Group, SlmDeploymentResource.Version, Namespace, SlmDeploymentResource.Plural));
        var state = string.Empty;
        var reconciled = Poll.UntilAsync(
            () =>
            {
                var all = Resources(server);
                var events = server.List<Corev1Event>("", "events", Namespace);
                state = string.Join("; ", all.Select(r => $"{r.Metadata.Name} gen={r.Metadata.Generation} observed={r.Status?.ObservedGeneration}")) + $"; events={events.Count}";
                return all.Count == 3 && all.All(r => r.Status?.ObservedGeneration == r.Metadata.Generation) && events.Count >= 1;
            },
            "all three are reconciled and reported",
            TimeSpan.FromSeconds(60));
        try
        {
            await reconciled;
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message} ({state})", e);
        }
        var injected = server.Faults.InjectedFaults;
        server.Faults.Clear();

        var outputs = new StringBuilder();
        outputs.AppendLine(KubernetesJson.Serialize(server.List<Corev1Event>("", "events", Namespace)));
        outputs.AppendLine(KubernetesJson.Serialize(Resources(server)));
        outputs.AppendLine(KubernetesJson.Serialize(server.List<V1Deployment>("apps", "deployments", Namespace)));
        outputs.AppendLine(KubernetesJson.Serialize(server.List<V1Service>("", "services", Namespace)));
        outputs.AppendLine(KubernetesJson.Serialize(server.List<V1PodDisruptionBudget>("policy", "poddisruptionbudgets", Namespace)));
        var logText = logs.AllText;
        var metrics = await op.MetricsTextAsync();
        TestContext.Out.WriteLine($"RELIABILITY operator-secret-scan events={server.List<Corev1Event>("", "events", Namespace).Count} logEntries={logs.Entries.Count} faults={injected} metricsBytes={metrics.Length}");

        // Assert: the token reaches the worker only by reference …
        var worker = server.Get<V1Deployment>("apps", "deployments", Namespace, "with-secret-worker");
        KubernetesJson.Serialize(worker).Should().Contain("\"secretKeyRef\"").And.Contain("hf-token");
        Resources(server).Single(r => r.Metadata.Name == "no-such-secret").Status.Conditions.Should().Contain(c => c.Message.Contains("absent", StringComparison.Ordinal));
        // … and is nowhere in what the operator wrote or emitted.
        foreach (var secret in new[] { HfToken, Convert.ToBase64String(Encoding.UTF8.GetBytes(HfToken)), HfToken[3..20] })
        {
            outputs.ToString().Should().NotContain(secret);
            logText.Should().NotContain(secret);
            metrics.Should().NotContain(secret);
        }
    }
}
