using System.Collections.Concurrent;
using FluentAssertions;
using NUnit.Framework;
using SlmFleet.Operator.Runtime;
using SlmFleet.Operator.Tests.Testing;
using SlmFleet.Testing;

namespace SlmFleet.Operator.Tests.Runtime;

[TestFixture]
public sealed class WorkQueueTests
{
    private static readonly WorkQueueOptions SecondSteps = new()
    {
        BaseDelay = TimeSpan.FromSeconds(1),
        MaxDelay = TimeSpan.FromSeconds(8),
        BucketRatePerSecond = 1000,
        BucketBurst = 1000,
    };

    [Test]
    public async Task Add_SameKeyTwice_IsHandedOutOnce()
    {
        using var queue = new WorkQueue<string>("q", new WorkQueueOptions(), TimeProvider.System);

        queue.Add("a");
        queue.Add("a");
        queue.Add("b");

        queue.Count.Should().Be(2);
        (await queue.GetAsync(CancellationToken.None)).Key.Should().Be("a");
        (await queue.GetAsync(CancellationToken.None)).Key.Should().Be("b");
        queue.Count.Should().Be(0);
    }

    [Test]
    public async Task Add_WhileProcessing_IsQueuedAgainOnlyAfterDone()
    {
        using var queue = new WorkQueue<string>("q", new WorkQueueOptions(), TimeProvider.System);
        queue.Add("a");
        var (_, key) = await queue.GetAsync(CancellationToken.None);

        queue.Add("a");
        var countWhileProcessing = queue.Count;
        queue.Done(key);

        countWhileProcessing.Should().Be(0);
        queue.Count.Should().Be(1);
    }

    [Test]
    public async Task ConcurrentWorkers_NeverProcessTheSameKeyAtOnce_AndProcessEveryLastAdd()
    {
        using var queue = new WorkQueue<int>("q", new WorkQueueOptions(), TimeProvider.System);
        var inFlight = new ConcurrentDictionary<int, int>();
        var overlaps = 0;
        var lastAdd = new ConcurrentDictionary<int, int>();
        var lastProcessed = new ConcurrentDictionary<int, int>();
        var stamp = 0;
        using var cts = new CancellationTokenSource();
        var workers = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (true)
            {
                var (ok, key) = await queue.GetAsync(cts.Token);
                if (!ok)
                {
                    return;
                }

                if (inFlight.AddOrUpdate(key, 1, (_, n) => n + 1) > 1)
                {
                    Interlocked.Increment(ref overlaps);
                }

                var seen = Volatile.Read(ref stamp);
                await Task.Yield();
                lastProcessed[key] = seen;
                inFlight.AddOrUpdate(key, 0, (_, n) => n - 1);
                queue.Done(key);
            }
        })).ToArray();

        for (var i = 0; i < 500; i++)
        {
            var key = i % 5;
            lastAdd[key] = Interlocked.Increment(ref stamp);
            queue.Add(key);
            if (i % 50 == 0)
            {
                await Task.Yield();
            }
        }

        await Poll.UntilAsync(() => lastAdd.All(a => lastProcessed.TryGetValue(a.Key, out var p) && p >= a.Value), "every key processed after its last add");
        queue.ShutDown();
        await Task.WhenAll(workers);

        overlaps.Should().Be(0);
    }

    [Test]
    public void AddRateLimited_DelaysGrowExponentially_OnTheInjectedClock()
    {
        var clock = new ManualTimeProvider();
        using var queue = new WorkQueue<string>("q", SecondSteps, clock);

        queue.AddRateLimited("a");
        clock.Advance(TimeSpan.FromMilliseconds(999));
        var beforeFirstDelay = queue.Count;
        clock.Advance(TimeSpan.FromMilliseconds(1));
        var afterFirstDelay = queue.Count;
        Drain(queue);
        queue.AddRateLimited("a");
        clock.Advance(TimeSpan.FromMilliseconds(1999));
        var beforeSecondDelay = queue.Count;
        clock.Advance(TimeSpan.FromMilliseconds(1));

        beforeFirstDelay.Should().Be(0);
        afterFirstDelay.Should().Be(1);
        beforeSecondDelay.Should().Be(0);
        queue.Count.Should().Be(1);
        queue.NumRequeues("a").Should().Be(2);
    }

    [Test]
    public void AddRateLimited_IsCappedAtMaxDelay()
    {
        var clock = new ManualTimeProvider();
        using var queue = new WorkQueue<string>("q", SecondSteps, clock);
        for (var i = 0; i < 10; i++)
        {
            queue.AddRateLimited("a");
            clock.Advance(TimeSpan.FromSeconds(8));
            Drain(queue);
        }

        queue.AddRateLimited("a");
        clock.Advance(TimeSpan.FromSeconds(8));

        queue.Count.Should().Be(1);
    }

    [Test]
    public void Forget_ResetsTheKeysBackoff()
    {
        var clock = new ManualTimeProvider();
        using var queue = new WorkQueue<string>("q", SecondSteps, clock);
        queue.AddRateLimited("a");
        queue.AddRateLimited("a");
        clock.Advance(TimeSpan.FromSeconds(2));
        Drain(queue);

        queue.Forget("a");
        queue.AddRateLimited("a");
        clock.Advance(TimeSpan.FromSeconds(1));

        queue.Count.Should().Be(1);
    }

    [Test]
    public void AddRateLimited_OverallBucket_DelaysBeyondBurst()
    {
        var clock = new ManualTimeProvider();
        var options = new WorkQueueOptions { BaseDelay = TimeSpan.Zero, MaxDelay = TimeSpan.Zero, BucketRatePerSecond = 1, BucketBurst = 2 };
        using var queue = new WorkQueue<string>("q", options, clock);

        queue.AddRateLimited("a");
        queue.AddRateLimited("b");
        queue.AddRateLimited("c");
        var withinBurst = queue.Count;
        clock.Advance(TimeSpan.FromSeconds(1));

        withinBurst.Should().Be(2);
        queue.Count.Should().Be(3);
    }

    [Test]
    public void AddAfter_WaitsForTheInjectedClock()
    {
        var clock = new ManualTimeProvider();
        using var queue = new WorkQueue<string>("q", new WorkQueueOptions(), clock);

        queue.AddAfter("a", TimeSpan.FromMinutes(1));
        var before = queue.Count;
        clock.Advance(TimeSpan.FromMinutes(1));

        before.Should().Be(0);
        queue.Count.Should().Be(1);
    }

    [Test]
    public async Task ShutDown_ReleasesWaitingWorkers()
    {
        using var queue = new WorkQueue<string>("q", new WorkQueueOptions(), TimeProvider.System);
        var waiting = queue.GetAsync(CancellationToken.None);

        queue.ShutDown();
        var (ok, _) = await waiting.WaitAsync(TimeSpan.FromSeconds(30));

        ok.Should().BeFalse();
        queue.IsShuttingDown.Should().BeTrue();
    }

    private static void Drain(WorkQueue<string> queue)
    {
        while (queue.Count > 0)
        {
            var (_, key) = queue.GetAsync(CancellationToken.None).GetAwaiter().GetResult();
            queue.Done(key);
        }
    }
}
