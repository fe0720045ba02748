using FluentAssertions;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using NUnit.Framework;
using Prometheus;
using SlmFleet.Api.V1Alpha1;
using SlmFleet.Operator.Runtime;
using SlmFleet.Operator.SlmDeployments;
using SlmFleet.Operator.Tests.Testing;
using SlmFleet.Testing.Kubernetes;
using SlmFleet.Testing;

namespace SlmFleet.Operator.Tests.SlmDeployments;

[TestFixture]
public sealed class CachedStateReaderTests
{
    private const string Ns = ReconcilerHarness.Namespace;

    private KubeApiTestServer _server = null!;
    private Kubernetes _client = null!;
    private Informer<V1Deployment> _deployments = null!;
    private CancellationTokenSource _stop = null!;
    private Task _running = null!;
    private ManualTimeProvider _time = null!;
    private CachedStateReader _reader = null!;

    [SetUp]
    public async Task SetUp()
    {
        _server = await KubeApiTestServer.StartAsync();
        _server.RegisterResource(ReconcilerHarness.SlmDeploymentType);
        _client = _server.CreateClient();
        var metrics = new RuntimeMetrics(Metrics.NewCustomRegistry());
        Informer<T> New<T>()
            where T : class, IKubernetesObject<V1ObjectMeta> =>
            new(_client, ResourceDescriptor.For<T>(Ns), new InformerOptions(), TimeProvider.System, NullLogger.Instance, metrics);
        var resources = New<V1Alpha1SlmDeployment>();
        _deployments = New<V1Deployment>();
        var services = New<V1Service>();
        var budgets = New<V1PodDisruptionBudget>();
        _stop = new CancellationTokenSource();
        IInformer[] all = [resources, _deployments, services, budgets];
        _running = Task.WhenAll(all.Select(i => Task.Run(() => i.RunAsync(_stop.Token))));
        await Task.WhenAll(all.Select(i => i.WaitForSyncAsync(CancellationToken.None))).WaitAsync(Poll.DefaultTimeout);
        _time = new ManualTimeProvider();
        _reader = new CachedStateReader(resources, _deployments, services, budgets, _client, _time);
    }

    [TearDown]
    public async Task TearDown()
    {
        await _stop.CancelAsync();
        await _running.WaitAsync(Poll.DefaultTimeout);
        _stop.Dispose();
        _client.Dispose();
        await _server.DisposeAsync();
    }

    [Test]
    public async Task Get_OwnWriteNotYetWatched_ReturnsWhatWasWritten()
    {
        // Arrange
        var created = await _client.AppsV1.CreateNamespacedDeploymentAsync(Deployment("a"), Ns);

        // Act
        _reader.Wrote(created);
        var seen = await _reader.GetDeploymentAsync(Ns, "a", CancellationToken.None);

        // Assert: from the overlay or the cache, never "missing" (which would plan a second create).
        seen.Should().NotBeNull();
        seen!.Metadata.ResourceVersion.Should().Be(created.Metadata.ResourceVersion);
    }

    [Test]
    public async Task Get_SomeoneWroteAfterUs_CacheWins()
    {
        // Arrange
        var ours = await _client.AppsV1.CreateNamespacedDeploymentAsync(Deployment("b"), Ns);
        _reader.Wrote(ours);
        var theirs = KubernetesJson.Deserialize<V1Deployment>(KubernetesJson.Serialize(ours));
        theirs.Spec.Replicas = 5;
        var replaced = await _client.AppsV1.ReplaceNamespacedDeploymentAsync(theirs, "b", Ns);
        await Poll.UntilAsync(() => _deployments.Get(new ObjectKey(Ns, "b"))?.Metadata.ResourceVersion == replaced.Metadata.ResourceVersion, "the informer sees the newer write");

        // Act
        var seen = await _reader.GetDeploymentAsync(Ns, "b", CancellationToken.None);

        // Assert
        seen!.Spec.Replicas.Should().Be(5);
    }

    [Test]
    public async Task Get_OwnWriteDeletedElsewhere_ForgottenAfterOverlayLifetime()
    {
        // Arrange
        var ours = await _client.AppsV1.CreateNamespacedDeploymentAsync(Deployment("c"), Ns);
        _reader.Wrote(ours);
        await Poll.UntilAsync(() => _deployments.Get(new ObjectKey(Ns, "c")) is not null, "the informer sees the create");
        await _client.AppsV1.DeleteNamespacedDeploymentAsync("c", Ns);
        await Poll.UntilAsync(() => _deployments.Get(new ObjectKey(Ns, "c")) is null, "the informer sees the delete");
        _reader.Wrote(ours);

        // Act
        var withinLifetime = await _reader.GetDeploymentAsync(Ns, "c", CancellationToken.None);
        _time.Advance(TimeSpan.FromMinutes(2));
        var afterLifetime = await _reader.GetDeploymentAsync(Ns, "c", CancellationToken.None);

        // Assert
        withinLifetime.Should().NotBeNull("a write the watch has not confirmed yet is trusted for a while");
        afterLifetime.Should().BeNull();
    }

    private static V1Deployment Deployment(string name) => new()
    {
        ApiVersion = "apps/v1",
        Kind = "Deployment",
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = Ns },
        Spec = new V1DeploymentSpec
        {
            Replicas = 1,
            Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = name } },
            Template = new V1PodTemplateSpec
            {
                Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = name } },
                Spec = new V1PodSpec { Containers = [new V1Container { Name = "c", Image = "i" }] },
            },
        },
    };
}
