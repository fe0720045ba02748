using FluentAssertions;
using k8s;
using Microsoft.Extensions.Logging.Abstractions;
using NUnit.Framework;
using SlmFleet.Operator.Runtime;
using SlmFleet.Operator.Tests.Testing;
using SlmFleet.Testing.Kubernetes;
using SlmFleet.Testing;

namespace SlmFleet.Operator.Tests.Runtime;

[TestFixture]
public sealed class ControllerManagerTests
{
    [Test]
    public async Task TwoReplicas_OnlyTheLeaderReconciles_AndTheStandbyTakesOver()
    {
        await using var server = await KubeApiTestServer.StartAsync();
        server.RegisterResource(TestWidget.ResourceType);
        using var client = server.CreateClient();
        await client.CustomObjects.CreateNamespacedCustomObjectAsync(TestWidget.Create("default", "a"), TestWidget.GroupName, TestWidget.VersionName, "default", TestWidget.PluralName);
        var first = new Replica(client, "first");
        var second = new Replica(client, "second");

        await Poll.UntilAsync(() => first.Reconciler.CallsFor("a") + second.Reconciler.CallsFor("a") >= 1, "the leader reconciled");
        var (leader, standby) = first.Reconciler.CallsFor("a") > 0 ? (first, second) : (second, first);
        var standbyCallsWhileLeaderRan = standby.Reconciler.CallsFor("a");
        var standbyLeading = standby.Manager.IsLeader;
        await Poll.UntilAsync(() => standby.Manager.IsReady, "standby is ready (informers synced) without leading");

        await leader.StopAsync();
        await Poll.UntilAsync(() => standby.Reconciler.CallsFor("a") >= 1, "standby took over and reconciled");
        await standby.StopAsync();

        standbyCallsWhileLeaderRan.Should().Be(0);
        standbyLeading.Should().BeFalse();
    }

    [Test]
    public async Task InformerOrControllerAddedAfterStart_Refused_ExistingInformerStillShared()
    {
        // An informer added after RunAsync began would never be started, so WaitForSyncAsync and IsReady
        // would wait on it forever: the manager refuses it instead.
        await using var server = await KubeApiTestServer.StartAsync();
        server.RegisterResource(TestWidget.ResourceType);
        using var client = server.CreateClient();
        using var stop = new CancellationTokenSource();
        var manager = new ControllerManager(client, new ManagerOptions(), TimeProvider.System, NullLoggerFactory.Instance, RuntimeMetrics.CreateIsolated());
        var widgets = manager.GetInformer<TestWidget>();
        var running = manager.RunAsync(stop.Token);

        var lateInformer = () => manager.GetInformer<k8s.Models.V1Pod>();
        var lateController = () => manager.AddController("late", new RecordingReconciler());

        lateInformer.Should().Throw<InvalidOperationException>().WithMessage("*after the manager started*");
        lateController.Should().Throw<InvalidOperationException>().WithMessage("*controller late added after the manager started*");
        manager.GetInformer<TestWidget>().Should().BeSameAs(widgets);
        await manager.WaitForSyncAsync(CancellationToken.None).WaitAsync(Poll.DefaultTimeout);
        await stop.CancelAsync();
        await running.WaitAsync(Poll.DefaultTimeout);
    }

    private sealed class Replica
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _run;

        public Replica(IKubernetes client, string identity)
        {
            Manager = new ControllerManager(client, new ManagerOptions
            {
                LeaderElection = new LeaderElectionOptions
                {
                    LeaseName = "slm-operator",
                    LeaseNamespace = "default",
                    Identity = identity,
                    LeaseDuration = TimeSpan.FromSeconds(2),
                    RenewDeadline = TimeSpan.FromSeconds(1),
                    RetryPeriod = TimeSpan.FromMilliseconds(200),
                },
            }, TimeProvider.System, NullLoggerFactory.Instance, RuntimeMetrics.CreateIsolated());
            Manager.AddController("widgets", Reconciler);
            Reconciler.Cache = Manager.GetInformer<TestWidget>();
            _run = Manager.RunAsync(_stop.Token);
        }

        public ControllerManager Manager { get; }

        public RecordingReconciler Reconciler { get; } = new();

        public async Task StopAsync()
        {
            await _stop.CancelAsync();
            await _run.WaitAsync(TimeSpan.FromSeconds(30));
        }
    }
}
