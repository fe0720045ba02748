using FluentAssertions;
using NUnit.Framework;
using k8s.Models;
using SlmFleet.Operator.Autoscaling;

namespace SlmFleet.Operator.Tests.Autoscaling;

[TestFixture]
public sealed class GrpcWorkerStatsSourceTests
{
    private static V1Pod Pod(string name, string? ip = "127.0.0.1") => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Status = new V1PodStatus { PodIP = ip },
    };

    [Test]
    public void PodAddress_PodIp_IsWorkerGrpcPort()
    {
        GrpcWorkerStatsSource.PodAddress(Pod("a", "10.1.2.3")).Should().Be(new Uri("http://10.1.2.3:50051"));
        GrpcWorkerStatsSource.PodAddress(Pod("b", "fd00::5")).Should().Be(new Uri("http://[fd00::5]:50051"));
        GrpcWorkerStatsSource.PodAddress(Pod("c", null)).Should().BeNull();
    }

    [Test]
    public async Task ReadAsync_FakeWorker_ReturnsItsStats()
    {
        await using var worker = await FakeWorker.StartAsync(utilization: 0.72, queueDepth: 3, tokensPerSecond: 410.5);
        using var source = new GrpcWorkerStatsSource(TimeSpan.FromSeconds(10), _ => worker.Address);

        var stats = await source.ReadAsync(Pod("w-0"), CancellationToken.None);

        stats.Should().Be(new WorkerStats(0.72, 3, 410.5));
    }

    [Test]
    public async Task ReadAsync_WorkerDown_ThrowsUnavailableNamingThePod()
    {
        await using var worker = await FakeWorker.StartAsync(utilization: 0.5);
        worker.SetDown(true);
        using var source = new GrpcWorkerStatsSource(TimeSpan.FromSeconds(10), _ => worker.Address);

        var read = () => source.ReadAsync(Pod("w-7"), CancellationToken.None);

        (await read.Should().ThrowAsync<WorkerStatsUnavailableException>()).Which.Message.Should().Contain("w-7").And.Contain("Unavailable");
    }

    [Test]
    public async Task ReadAsync_PodWithoutIp_ThrowsUnavailable()
    {
        using var source = new GrpcWorkerStatsSource(TimeSpan.FromSeconds(10));

        var read = () => source.ReadAsync(Pod("w-1", null), CancellationToken.None);

        (await read.Should().ThrowAsync<WorkerStatsUnavailableException>()).Which.Message.Should().Contain("w-1").And.Contain("no IP");
    }
}
