using Grpc.Net.Client;
using SlmFleet.Inference.V1;
using SlmFleet.Testing.Worker;

namespace SlmFleet.Worker.Tests.Hosting;

[TestFixture]
public sealed class WorkerProcessTests
{
    [Test]
    public async Task StartAsync_TinyModel_ServesGenerateOverLoopback()
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "slm-worker.dll");
        var model = Path.Combine(Path.GetTempPath(), "slm-process-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            await WorkerProcess.MakeTinyModelAsync(dll, model, CancellationToken.None);
            await using var worker = await WorkerProcess.StartAsync(dll, model, TimeSpan.FromSeconds(90), "--max-batch", "4");
            using var channel = GrpcChannel.ForAddress(worker.GrpcAddress);
            var client = new Inference.V1.Inference.InferenceClient(channel);

            using var call = client.Generate(new GenerateRequest { Prompt = "Hello", MaxNewTokens = 3, IgnoreEos = true });
            var messages = new List<GenerateResponse>();
            while (await call.ResponseStream.MoveNext(CancellationToken.None))
            {
                messages.Add(call.ResponseStream.Current);
            }

            messages[^1].Usage.CompletionTokens.Should().Be(3);
            worker.MetricsAddress.AbsolutePath.Should().Be("/metrics");
        }
        finally
        {
            if (Directory.Exists(model))
            {
                Directory.Delete(model, recursive: true);
            }
        }
    }
}
