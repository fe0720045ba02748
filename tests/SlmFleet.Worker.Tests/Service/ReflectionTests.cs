using Grpc.Reflection.V1Alpha;
using SlmFleet.Worker.Tests.Infrastructure;

namespace SlmFleet.Worker.Tests.Service;

[TestFixture]
public sealed class ReflectionTests
{
    [Test]
    public async Task ListServices_RunningWorker_IncludesInferenceAndHealth()
    {
        await using var worker = await RunningWorker.StartAsync();
        var client = new ServerReflection.ServerReflectionClient(worker.Channel);
        using var call = client.ServerReflectionInfo();

        await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = string.Empty });
        await call.RequestStream.CompleteAsync();
        (await call.ResponseStream.MoveNext(CancellationToken.None)).Should().BeTrue();

        call.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name)
            .Should().Contain(["slmfleet.inference.v1.Inference", "grpc.health.v1.Health"]);
    }
}
