using FluentAssertions;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using NUnit.Framework;
using SlmFleet.Operator.Runtime;
using SlmFleet.Testing.Kubernetes;
using SlmFleet.Testing;

namespace SlmFleet.Operator.Tests.Runtime;

[TestFixture]
public sealed class LeaderElectionTests
{
    private KubeApiTestServer _server = null!;
    private Kubernetes _client = null!;

    [SetUp]
    public async Task SetUp()
    {
        _server = await KubeApiTestServer.StartAsync();
        _client = _server.CreateClient();
    }

    [TearDown]
    public async Task TearDown()
    {
        _client.Dispose();
        await _server.DisposeAsync();
    }

    [Test]
    public async Task TwoCandidates_ExactlyOneLeads_AndTheOtherTakesOverWhenItStops()
    {
        var a = new Candidate(_client, "a");
        var b = new Candidate(_client, "b");
        a.Start();
        b.Start();

        await Poll.UntilAsync(() => a.Runner.IsLeader || b.Runner.IsLeader, "someone leads");
        var (leader, follower) = a.Runner.IsLeader ? (a, b) : (b, a);
        await Poll.UntilAsync(() => leader.Terms == 1, "leader's work started");
        var bothLedAtOnce = a.Runner.IsLeader && b.Runner.IsLeader;
        var lease = await _client.CoordinationV1.ReadNamespacedLeaseAsync("operator", "default");

        await leader.StopAsync();
        await Poll.UntilAsync(() => follower.Runner.IsLeader && follower.Terms == 1, "follower took over");

        bothLedAtOnce.Should().BeFalse();
        lease.Spec.HolderIdentity.Should().Be(leader.Runner.Identity);
        leader.WorkCancelled.Should().BeTrue();
        (await _client.CoordinationV1.ReadNamespacedLeaseAsync("operator", "default")).Spec.HolderIdentity.Should().Be(follower.Runner.Identity);
        await follower.StopAsync();
    }

    [Test]
    public async Task LeaseTakenAway_LeaderStopsItsWork_AndCampaignsAgain()
    {
        var a = new Candidate(_client, "a");
        a.Start();
        await Poll.UntilAsync(() => a.Terms == 1, "a leads");

        // Another holder grabs the lease (e.g. a partitioned leader's lease expired elsewhere).
        // A patch without resourceVersion cannot lose the race with the leader's renewals.
        var renewTime = DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", System.Globalization.CultureInfo.InvariantCulture);
        await _client.CoordinationV1.PatchNamespacedLeaseAsync(
            new V1Patch($$$"""{"spec":{"holderIdentity":"intruder","renewTime":"{{{renewTime}}}","leaseDurationSeconds":2}}""", V1Patch.PatchType.MergePatch),
            "operator", "default");

        await Poll.UntilAsync(() => a.WorkCancelled, "a's work cancelled after losing the lease");
        await Poll.UntilAsync(() => a.Terms == 2 && a.Runner.IsLeader, "a leads again once the intruder's lease expires");
        await a.StopAsync();
    }

    private sealed class Candidate(IKubernetes client, string name)
    {
        private readonly CancellationTokenSource _stop = new();
        private Task _run = Task.CompletedTask;
        private int _terms;

        public LeaderElectionRunner Runner { get; } = new(client, new LeaderElectionOptions
        {
            LeaseName = "operator",
            LeaseNamespace = "default",
            Identity = name,
            LeaseDuration = TimeSpan.FromSeconds(2),
            RenewDeadline = TimeSpan.FromSeconds(1),
            RetryPeriod = TimeSpan.FromMilliseconds(200),
        }, NullLogger.Instance, RuntimeMetrics.CreateIsolated());

        public int Terms => Volatile.Read(ref _terms);

        public bool WorkCancelled { get; private set; }

        public void Start() => _run = Runner.RunAsync(WorkAsync, _stop.Token);

        public async Task StopAsync()
        {
            await _stop.CancelAsync();
            await _run.WaitAsync(TimeSpan.FromSeconds(30));
        }

        private async Task WorkAsync(CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _terms);
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            finally
            {
                WorkCancelled = true;
            }
        }
    }
}
