using FluentAssertions;
using SlmFleet.Testing.Logging;
using k8s;
using k8s.Models;
using NUnit.Framework;
using SlmFleet.Operator.Tests.SlmDeployments;
using SlmFleet.Testing;
using SlmFleet.Testing.Kubernetes;
using static SlmFleet.Operator.Tests.Reliability.FleetInvariants;

namespace SlmFleet.Operator.Tests.Reliability;

/// <summary>
/// The operator under API faults (seeded): random 500/429, forced 409s, watches cut every few events,
/// 410 Gone on re-watch, the process stopped mid-reconcile and restarted, leadership lost and
/// regained. After each run every SlmDeployment converges, nothing is duplicated or orphaned, and the
/// last spec change and the last owned-object status change are both reflected in status.
/// </summary>
[TestFixture]
public sealed class OperatorFaultTests
{
    private static readonly TimeSpan Converge = TimeSpan.FromSeconds(120);
    private KubeApiTestServer _server = null!;
    private Kubernetes _client = null!;
    private RecordingLoggerProvider _logs = null!;

    [SetUp]
    public async Task SetUp()
    {
        _server = await KubeApiTestServer.StartAsync(new KubeApiTestServerOptions { Seed = 20261122, BookmarkInterval = TimeSpan.FromMilliseconds(300) });
        _server.RegisterResource(ReconcilerHarness.SlmDeploymentType);
        _client = _server.CreateClient();
        _logs = new RecordingLoggerProvider();
    }

    [TearDown]
    public async Task TearDown()
    {
        _client.Dispose();
        await _server.DisposeAsync();
    }

    [Test]
    public async Task Run_RandomErrorsConflictsCutWatchesAndGone_EveryObjectConverges()
    {
        // Arrange
        await using var op = new OperatorUnderTest(_server.Url, _logs);
        op.Start();
        var names = Enumerable.Range(0, 8).Select(i => $"f{i}").ToList();
        foreach (var name in names)
        {
            await CreateAsync(_client, name);
        }

        // Act: faults on every verb, then three rounds of spec changes, deletions and creations while they last.
        _server.Faults.SetErrorRate(0.2);
        _server.Faults.CutWatchesAfterEvents = 3;
        _server.Faults.ForceConflicts(20);
        _server.Faults.ForceGoneOnNextWatch(6);
        var random = new Random(5);
        for (var round = 0; round < 3; round++)
        {
            foreach (var name in names.Where(n => n.StartsWith('f')).Take(4))
            {
                await PatchSpecAsync(_client, name, $$"""{"model":{"contextLength":{{2048 + (round * 1024)}}},"maxReplicas":{{5 + round}}}""");
            }

            var doomed = names[random.Next(names.Count)];
            await DeleteAsync(_client, doomed);
            names.Remove(doomed);
            foreach (var name in new[] { $"g{round}a", $"g{round}b" })
            {
                await CreateAsync(_client, name);
                names.Add(name);
            }

            _server.Faults.ForceConflicts(5);
            _server.Faults.ForceGoneOnNextWatch(2);
        }

        await Poll.UntilAsync(() => Violation(_server, names) is null, "the fleet converges under faults", Converge);
        await MarkWorkersReadyAsync(names);
        await Poll.UntilAsync(() => Resources(_server).All(r => r.Status?.ReadyReplicas == 1), "every status follows its worker Deployment's status", Converge);
        var injected = _server.Faults.InjectedFaults;
        _server.Faults.Clear();

        // Assert
        TestContext.Out.WriteLine($"RELIABILITY operator-api-faults injected={injected} objects={names.Count} lost=0 duplicated=0 orphaned=0");
        injected.Should().BeGreaterThan(20);
        Violation(_server, names).Should().BeNull();
        Resources(_server).Where(r => r.Metadata.Generation > 1).Should().NotBeEmpty("spec changes bumped generations, and status caught up with each");
        Resources(_server).Should().HaveCount(names.Count, "three deleted objects are gone (no finalizer holds them, the garbage collector took their workers) and six created ones exist");
    }

    [Test]
    public async Task Run_StoppedMidReconcileAndRestarted_NoDuplicatesNoLostObjects()
    {
        // Arrange: slow requests so that a stop lands inside reconciles.
        _server.Faults.Delay = TimeSpan.FromMilliseconds(25);
        var names = Enumerable.Range(0, 10).Select(i => $"r{i}").ToList();
        foreach (var name in names)
        {
            await CreateAsync(_client, name);
        }

        var random = new Random(11);
        var stoppedWhileUnconverged = 0;

        // Act: five operator lifetimes, each killed shortly after it starts applying plans, with spec
        // changes between lifetimes.
        for (var life = 0; life < 5; life++)
        {
            var op = new OperatorUnderTest(_server.Url, _logs);
            op.Start();
            var target = 1 + random.Next(3);
            await Poll.UntilAsync(() => op.Applied >= target || Violation(_server, names) is null, "the operator starts applying", Converge);
            if (Violation(_server, names) is not null)
            {
                stoppedWhileUnconverged++;
            }

            await op.DisposeAsync();
            await PatchSpecAsync(_client, names[random.Next(names.Count)], $$"""{"maxReplicas":{{4 + life}}}""");
        }

        await using var final = new OperatorUnderTest(_server.Url, _logs);
        final.Start();
        await Poll.UntilAsync(() => Violation(_server, names) is null, "the fleet converges after restarts", Converge);
        await MarkWorkersReadyAsync(names);
        await Poll.UntilAsync(() => Resources(_server).All(r => r.Status?.ReadyReplicas == 1), "status follows after restarts", Converge);

        // Assert
        TestContext.Out.WriteLine($"RELIABILITY operator-restarts restarts=5 stoppedWhileUnconverged={stoppedWhileUnconverged} objects={names.Count} lost=0 duplicated=0");
        stoppedWhileUnconverged.Should().BeGreaterThan(0, "at least one stop must land while work was in flight, or the test proves nothing");
        Violation(_server, names).Should().BeNull();
    }

    [Test]
    public async Task Run_LeadershipLostAndRegained_OneFleetNoDuplicates()
    {
        // Arrange: two operator replicas under leader election.
        await using var a = new OperatorUnderTest(_server.Url, _logs, "op-a");
        await using var b = new OperatorUnderTest(_server.Url, _logs, "op-b");
        a.Start();
        b.Start();
        var names = Enumerable.Range(0, 6).Select(i => $"l{i}").ToList();
        foreach (var name in names)
        {
            await CreateAsync(_client, name);
        }

        await Poll.UntilAsync(() => Violation(_server, names) is null, "the leader converges the fleet", Converge);
        var bothLed = 0;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                bothLed += a.Manager.IsLeader && b.Manager.IsLeader ? 1 : 0;
                await Task.Delay(10);
            }
        });

        // Act 1: another holder takes the lease; spec changes arrive while nobody leads.
        var renewTime = DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", System.Globalization.CultureInfo.InvariantCulture);
        await _client.CoordinationV1.PatchNamespacedLeaseAsync(
            new V1Patch($$$"""{"spec":{"holderIdentity":"intruder","renewTime":"{{{renewTime}}}","leaseDurationSeconds":2}}""", V1Patch.PatchType.MergePatch),
            "slm-operator", "slm-system");
        await Poll.UntilAsync(() => !a.Manager.IsLeader && !b.Manager.IsLeader, "both replicas step down");
        foreach (var name in names)
        {
            await PatchSpecAsync(_client, name, """{"maxReplicas":7}""");
        }

        await Poll.UntilAsync(() => a.Manager.IsLeader || b.Manager.IsLeader, "leadership is regained once the intruder's lease expires", Converge);
        await Poll.UntilAsync(() => Violation(_server, names) is null, "the regained leader converges the changes", Converge);

        // Act 2: the leader dies; the other replica takes over and handles the next changes.
        var (leader, follower) = a.Manager.IsLeader ? (a, b) : (b, a);
        await leader.DisposeAsync();
        await Poll.UntilAsync(() => follower.Manager.IsLeader, "the follower takes over", Converge);
        await DeleteAsync(_client, names[0]);
        names.RemoveAt(0);
        await PatchSpecAsync(_client, names[0], """{"maxReplicas":8}""");
        await CreateAsync(_client, "l9");
        names.Add("l9");
        await Poll.UntilAsync(() => Violation(_server, names) is null, "the new leader converges", Converge);
        await sampling.CancelAsync();
        await sampler;

        // Assert
        TestContext.Out.WriteLine($"RELIABILITY operator-leadership changes=3 bothLeadingSamples={bothLed} objects={names.Count} duplicated=0 orphaned=0");
        Violation(_server, names).Should().BeNull();
        Resources(_server).Should().OnlyContain(r => r.Status.ObservedGeneration == r.Metadata.Generation);
    }

    private async Task MarkWorkersReadyAsync(IEnumerable<string> names)
    {
        foreach (var name in names)
        {
            await RetryAsync(async () =>
            {
                var deployment = _server.Get<V1Deployment>("apps", "deployments", Namespace, name + "-worker")!;
                deployment.Status = new V1DeploymentStatus { ObservedGeneration = deployment.Metadata.Generation, Replicas = 1, UpdatedReplicas = 1, ReadyReplicas = 1, AvailableReplicas = 1 };
                await _client.AppsV1.ReplaceNamespacedDeploymentStatusAsync(deployment, deployment.Metadata.Name, Namespace);
            });
        }
    }
}
