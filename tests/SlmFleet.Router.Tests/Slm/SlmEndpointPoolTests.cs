using SlmFleet.Router.Slm;

namespace SlmFleet.Router.Tests.Slm;

[TestFixture]
public sealed class SlmEndpointPoolTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static SlmEndpointPool Pool(int count)
    {
        var pool = new SlmEndpointPool();
        pool.Update([.. Enumerable.Range(0, count).Select(i => new Uri($"http://127.0.0.1:{5000 + i}"))]);
        return pool;
    }

    [Test]
    public void Pick_PrefersFewestOutstanding()
    {
        var pool = Pool(3);
        pool.Endpoints[0].Begin();
        pool.Endpoints[0].Begin();
        pool.Endpoints[2].Begin();

        pool.Pick(Now).Should().BeSameAs(pool.Endpoints[1]);
    }

    [Test]
    public void Pick_IdleEndpoints_Rotate()
    {
        var pool = Pool(3);

        var picked = Enumerable.Range(0, 6).Select(_ => pool.Pick(Now)!.Address.Port).ToHashSet();

        picked.Should().HaveCount(3);
    }

    [Test]
    public void Pick_EjectedEndpoint_SkippedUntilBackoffEnds()
    {
        var pool = Pool(2);
        var ejection = pool.Endpoints[0].RecordFailure(Now);

        Enumerable.Range(0, 4).Select(_ => pool.Pick(Now)).Should().AllSatisfy(e => e.Should().BeSameAs(pool.Endpoints[1]));
        pool.Endpoints[1].RecordFailure(Now);
        pool.Pick(Now).Should().BeNull();
        pool.Pick(Now + ejection).Should().NotBeNull();
    }

    [Test]
    public void RecordFailure_Consecutive_DoublesUpToCap()
    {
        var endpoint = Pool(1).Endpoints[0];

        var ejections = Enumerable.Range(0, 8).Select(_ => endpoint.RecordFailure(Now)).ToList();

        ejections.Take(3).Should().Equal(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4));
        ejections[^1].Should().Be(TimeSpan.FromSeconds(30));
        endpoint.RecordSuccess();
        endpoint.RecordFailure(Now).Should().Be(TimeSpan.FromSeconds(1));
    }

    [Test]
    public void Update_KeepsExistingChannels()
    {
        var pool = Pool(2);
        var kept = pool.Endpoints[1];

        pool.Update([kept.Address, new Uri("http://127.0.0.1:6000")]);

        pool.Endpoints.Should().HaveCount(2).And.Contain(kept);
    }
}
