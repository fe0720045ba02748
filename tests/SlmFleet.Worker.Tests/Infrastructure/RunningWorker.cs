using Grpc.Net.Client;
using SlmFleet.Inference.V1;
using SlmFleet.Worker.Hosting;

namespace SlmFleet.Worker.Tests.Infrastructure;

/// <summary>A real worker on the tiny model plus a gRPC channel to it.</summary>
public sealed class RunningWorker : IAsyncDisposable
{
    private RunningWorker(WorkerHost host, GrpcChannel channel)
    {
        Host = host;
        Channel = channel;
        Client = new Inference.V1.Inference.InferenceClient(channel);
    }

    internal WorkerHost Host { get; }

    public GrpcChannel Channel { get; }

    public Inference.V1.Inference.InferenceClient Client { get; }

    internal static async Task<RunningWorker> StartAsync(Func<WorkerOptions, WorkerOptions>? configure = null, bool waitUntilWarm = true)
    {
        var options = new WorkerOptions
        {
            ModelDirectory = TinyModel.Directory,
            ExecutionProvider = SlmFleet.Worker.Model.ExecutionProviderChoice.Cpu,
            WarmupPrompts = ["warm up"],
            Seed = 1,
            LogLevel = LogLevel.Warning,
        };
        options = configure?.Invoke(options) ?? options;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var host = await WorkerHost.StartAsync(options, timeout.Token);
        if (waitUntilWarm)
        {
            await host.WaitUntilWarmAsync(timeout.Token);
        }

        return new RunningWorker(host, GrpcChannel.ForAddress(host.GrpcAddress));
    }

    /// <summary>Runs a generation to the end and returns its messages.</summary>
    public async Task<List<GenerateResponse>> GenerateAllAsync(GenerateRequest request, CancellationToken cancellationToken = default)
    {
        using var call = Client.Generate(request, deadline: DateTime.UtcNow.AddSeconds(60), cancellationToken: cancellationToken);
        var messages = new List<GenerateResponse>();
        while (await call.ResponseStream.MoveNext(cancellationToken))
        {
            messages.Add(call.ResponseStream.Current);
        }

        return messages;
    }

    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        await Host.DisposeAsync();
    }
}
