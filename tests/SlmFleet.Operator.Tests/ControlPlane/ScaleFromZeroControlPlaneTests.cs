using FluentAssertions;
using k8s;
using k8s.Models;
using NUnit.Framework;
using SlmFleet.Api;
using SlmFleet.Api.ColdStart;
using SlmFleet.Api.V1Alpha1;
using SlmFleet.Operator.Autoscaling;
using SlmFleet.Operator.Commands;
using SlmFleet.Operator.SlmDeployments;
using SlmFleet.Testing;
using SlmFleet.Testing.ControlPlane;
using static SlmFleet.Operator.Tests.SlmDeployments.SlmDeploymentFixtures;

namespace SlmFleet.Operator.Tests.ControlPlane;

/// <summary>
/// Scale from zero and leadership, with <c>slm-operator run</c> (leader election on) against a real
/// kube-apiserver: the router's demand annotation, the scale subresource and the Lease are the real
/// API's. The autoscaler's tick is an hour, so every scale seen here comes from a wake-up.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class ScaleFromZeroControlPlaneTests
{
    private KubeControlPlane _plane = null!;
    private Kubernetes _client = null!;
    private string _ns = null!;
    private CancellationTokenSource? _stop;
    private Task<int> _running = null!;

    [SetUp]
    public async Task SetUp()
    {
        _plane = await RealOperator.ControlPlaneAsync();
        _ns = await _plane.CreateNamespaceAsync("zero");
        _client = _plane.CreateClient();
        var stop = new CancellationTokenSource();
        _stop = stop;
        var args = new[]
        {
            "run", "--kubeconfig", _plane.KubeconfigPath, "--namespace", _ns, "--leader-elect", "--leader-election-namespace", _ns,
            "--health-address", "127.0.0.1", "--health-port", "0", "--autoscale-interval", "3600",
        };
        _running = RunCommand.Create().Parse(args).InvokeAsync(cancellationToken: stop.Token);
        await Poll.UntilAsync(async () => await HolderAsync() is not null, "the operator takes the lease");
    }

    [TearDown]
    public async Task TearDown()
    {
        // SetUp ignores the test (skipped, with the reason) where no control plane is found: nothing was started.
        if (_stop is null)
        {
            return;
        }

        await _stop.CancelAsync();
        (await _running.WaitAsync(Poll.DefaultTimeout)).Should().Be(0);
        _stop.Dispose();
        _client.Dispose();
    }

    [Test]
    public async Task DemandOnAFleetAtZero_ScaledToOneThroughTheScaleSubresource_WorkerDeploymentFollows()
    {
        await CreateAtZeroAsync("cold");
        await Poll.UntilAsync(async () => (await GetAsync("cold")).Status?.ObservedGeneration == 1, "the operator reconciles the fleet at zero");
        (await _client.AppsV1.ReadNamespacedDeploymentAsync("cold-worker", _ns)).Spec.Replicas.Should().Be(0);

        await AnnotateDemandAsync("cold");

        await Poll.UntilAsync(async () => (await GetAsync("cold")).Spec.Replicas == 1, "the autoscaler scales the fleet to one");
        await Poll.UntilAsync(async () => (await _client.AppsV1.ReadNamespacedDeploymentAsync("cold-worker", _ns)).Spec.Replicas == 1, "the worker Deployment follows");
        await Poll.UntilAsync(async () => (await _client.CoreV1.ListNamespacedEventAsync(_ns)).Items.Any(e => e.Reason == AutoscalerEvents.ScaledUp), "a ScaledUp Event");
        var events = (await _client.CoreV1.ListNamespacedEventAsync(_ns)).Items;
        events.Should().ContainSingle(e => e.Reason == AutoscalerEvents.ScaledUp).Which.Message.Should().Contain("0 -> 1 replicas (ScaleUpFromZero)");
        // The Event is posted before the status patch: wait for the patch.
        await Poll.UntilAsync(async () => (await GetAsync("cold")).Status.LastScaleReason?.StartsWith("0 -> 1 replicas (ScaleUpFromZero)", StringComparison.Ordinal) == true, "status.lastScaleReason");
    }

    [Test]
    public async Task LeaseTakenByAnother_DemandChangesNothing_LeadingAgainDemandScales()
    {
        await CreateAtZeroAsync("standby");
        await Poll.UntilAsync(async () => (await GetAsync("standby")).Status?.ObservedGeneration == 1, "the operator reconciles the fleet at zero");

        // Another replica holds the lease now (as after a network partition): this one must stop writing.
        var lease = await _client.CoordinationV1.ReadNamespacedLeaseAsync("slm-operator", _ns);
        lease.Spec.HolderIdentity = "another-operator";
        lease.Spec.LeaseDurationSeconds = 3600;
        lease.Spec.RenewTime = DateTime.UtcNow;
        await _client.CoordinationV1.ReplaceNamespacedLeaseAsync(lease, "slm-operator", _ns);
        await Task.Delay(TimeSpan.FromSeconds(12)); // the renew deadline (10 s) runs out
        await AnnotateDemandAsync("standby");
        await Task.Delay(TimeSpan.FromSeconds(3));

        (await GetAsync("standby")).Spec.Replicas.Should().Be(0, "a follower never writes spec.replicas");

        // The other replica is gone: this one leads again, and the demand it saw while following scales the
        // fleet as soon as it leads. The tick is an hour and no demand is recorded again, so only the
        // leadership wake-up can do it.
        await _client.CoordinationV1.DeleteNamespacedLeaseAsync("slm-operator", _ns);
        await Poll.UntilAsync(async () => await HolderAsync() is { } holder && holder != "another-operator", "the operator leads again", TimeSpan.FromSeconds(30));
        await Poll.UntilAsync(async () => (await GetAsync("standby")).Spec.Replicas == 1, "the new leader scales the fleet to one on the demand it saw as a follower");
    }

    private async Task<string?> HolderAsync()
    {
        try
        {
            return (await _client.CoordinationV1.ReadNamespacedLeaseAsync("slm-operator", _ns)).Spec.HolderIdentity;
        }
        catch (k8s.Autorest.HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    private Task CreateAtZeroAsync(string name)
    {
        var resource = Valid();
        resource.Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = _ns };
        resource.Spec.Replicas = 0;
        resource.Spec.MinReplicas = 0;
        resource.Spec.MaxReplicas = 2;
        return _client.CustomObjects.CreateNamespacedCustomObjectAsync<V1Alpha1SlmDeployment>(
            resource, SlmDeploymentResource.Group, SlmDeploymentResource.Version, _ns, SlmDeploymentResource.Plural);
    }

    private Task<V1Alpha1SlmDeployment> GetAsync(string name) =>
        _client.CustomObjects.GetNamespacedCustomObjectAsync<V1Alpha1SlmDeployment>(
            SlmDeploymentResource.Group, SlmDeploymentResource.Version, _ns, SlmDeploymentResource.Plural, name);

    /// <summary>The merge patch a router sends when a request finds the fleet without a ready replica.</summary>
    private Task AnnotateDemandAsync(string name, DateTimeOffset? at = null) =>
        _client.CustomObjects.PatchNamespacedCustomObjectAsync(
            new V1Patch(new { metadata = new { annotations = new Dictionary<string, string> { [ApiGroup.DemandAnnotation] = DemandStamp.Format(at ?? DateTimeOffset.UtcNow) } } }, V1Patch.PatchType.MergePatch),
            SlmDeploymentResource.Group, SlmDeploymentResource.Version, _ns, SlmDeploymentResource.Plural, name);
}
