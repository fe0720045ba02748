using FluentAssertions;
using Microsoft.Extensions.Logging.Abstractions;
using NUnit.Framework;
using SlmFleet.Operator.RoutingPolicies;
using SlmFleet.Testing;
using static SlmFleet.Operator.Tests.RoutingPolicies.RoutingPolicyFixtures;

namespace SlmFleet.Operator.Tests.RoutingPolicies;

[TestFixture]
public sealed class RouterUsageCollectorTests
{
    [Test]
    public async Task RunAsync_LeadershipLostAndRegained_StartsAgainFromTheStatusTheOtherLeaderWrote()
    {
        // Arrange: this month's status says $5; router a has counted $6 since long before.
        var month = RouterUsageCollector.Month(DateTimeOffset.UtcNow);
        var leading = true;
        var standbyChecks = 0;
        var seeds = Seeds(month, 5);
        var source = new FakeUsageSource();
        source.Set(new RouterMetricsText(Namespace, "a", RouterPage("bot", 10, 0, 0, 0, 6, 0, 0)));
        bool IsLeader()
        {
            if (Volatile.Read(ref leading))
            {
                return true;
            }

            Interlocked.Increment(ref standbyChecks);
            return false;
        }

        var collector = new RouterUsageCollector(source, TimeProvider.System, TimeSpan.FromMilliseconds(50), IsLeader, () => Volatile.Read(ref seeds), NullLogger<RouterUsageCollector>.Instance);
        using var stop = new CancellationTokenSource();
        var running = collector.RunAsync(stop.Token);
        try
        {
            await Poll.UntilAsync(() => collector.Get(Namespace, "bot")?.SpendUsd == 5, "the first term starts from the status");
            source.Set(new RouterMetricsText(Namespace, "a", RouterPage("bot", 10, 0, 0, 0, 7, 0, 0)));
            await Poll.UntilAsync(() => collector.Get(Namespace, "bot")?.SpendUsd == 6, "router a's growth is added");

            // Act: another leader takes over; router a is replaced by b, which spends $1; that leader writes $9.
            Volatile.Write(ref leading, false);
            await Poll.UntilAsync(() => Volatile.Read(ref standbyChecks) >= 3, "the collector sees it is a standby");
            source.Set(new RouterMetricsText(Namespace, "b", RouterPage("bot", 2, 0, 0, 0, 1, 0, 0)));
            Volatile.Write(ref seeds, Seeds(month, 9));
            Volatile.Write(ref leading, true);
            await Poll.UntilAsync(() => collector.Get(Namespace, "bot")?.SpendUsd == 9, "the new term starts from the other leader's status");
            source.Set(new RouterMetricsText(Namespace, "b", RouterPage("bot", 3, 0, 0, 0, 1.5, 0, 0)));

            // Assert: $9 + b's $0.50 since the new term's first read (the old term's ledger would say $5 + $1 + $1.50).
            await Poll.UntilAsync(() => collector.Get(Namespace, "bot")?.SpendUsd == 9.5, "router b's growth is added");
            collector.Get(Namespace, "bot")!.SlmRequests.Should().Be(1);
        }
        finally
        {
            await stop.CancelAsync();
            await running;
        }
    }

    [Test]
    public async Task CollectOnceAsync_StatusesNotKnownYet_ReadsNothingUntilTheyAre()
    {
        // Arrange
        var month = RouterUsageCollector.Month(DateTimeOffset.UtcNow);
        IReadOnlyDictionary<(string Namespace, string Model), PolicyUsage>? seeds = null;
        var source = new FakeUsageSource();
        source.Set(new RouterMetricsText(Namespace, "a", RouterPage("bot", 10, 0, 0, 0, 6, 0, 0)));
        var collector = new RouterUsageCollector(source, TimeProvider.System, TimeSpan.FromSeconds(30), () => true, () => seeds, NullLogger<RouterUsageCollector>.Instance);

        // Act
        await collector.CollectOnceAsync(CancellationToken.None);
        var before = collector.Get(Namespace, "bot");
        seeds = Seeds(month, 5);
        await collector.CollectOnceAsync(CancellationToken.None);

        // Assert
        before.Should().BeNull("without the statuses the ledger cannot start: the status keeps its numbers");
        collector.Collections.Should().Be(1);
        collector.Get(Namespace, "bot")!.SpendUsd.Should().Be(5);
    }

    private static Dictionary<(string Namespace, string Model), PolicyUsage> Seeds(string month, double spendUsd) =>
        new() { [(Namespace, "bot")] = new PolicyUsage { Month = month, SpendUsd = spendUsd } };
}
