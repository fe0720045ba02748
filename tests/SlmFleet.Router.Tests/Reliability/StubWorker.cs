extern alias worker;
using System.Runtime.CompilerServices;
using Grpc.Core;
using SlmFleet.Router.Tests.Infrastructure;
using V1 = worker::SlmFleet.Inference.V1;

namespace SlmFleet.Router.Tests.Reliability;

/// <summary>
/// A gRPC worker stand-in (the real contract, served over h2c on 127.0.0.1) that answers with a fixed
/// text, or streams two partial deltas and then drops the connection as a killed pod would. Used for
/// worker-fault scenarios that must hit the fault at an exact point, which the real model cannot promise.
/// </summary>
public sealed class StubWorker : IAsyncDisposable
{
    public const string Partial = "PARTIAL-";

    private readonly WebApplication _app;
    private int _calls;
    private int _killed;

    private StubWorker(WebApplication app, Uri address, string name)
    {
        _app = app;
        Address = address;
        Name = name;
    }

    public string Name { get; }

    public Uri Address { get; }

    /// <summary>How many of the next calls die mid-stream; <see cref="int.MaxValue"/> = every call.</summary>
    public int DieOnNext { get; set; }

    /// <summary>When true, every call is refused with RESOURCE_EXHAUSTED and a 2 s retry hint, as a worker with a full queue does.</summary>
    public bool Overloaded { get; set; }

    /// <summary>The text a healthy call answers.</summary>
    public string Text => $"answer from {Name}";

    public int Calls => Volatile.Read(ref _calls);

    public int Killed => Volatile.Read(ref _killed);

    public static async Task<StubWorker> StartAsync(string name)
    {
        var box = new StrongBox<StubWorker?>();
        var (app, address) = await LoopbackGrpcHost.StartAsync<Service>(services => services.AddSingleton(box));
        box.Value = new StubWorker(app, address, name);
        return box.Value;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task GenerateAsync(IServerStreamWriter<V1.GenerateResponse> stream, ServerCallContext context)
    {
        Interlocked.Increment(ref _calls);
        if (Overloaded)
        {
            throw new RpcException(new Status(StatusCode.ResourceExhausted, "queue full"), new Metadata { { "retry-after-ms", "2000" } });
        }

        var die = DieOnNext > 0;
        if (die && DieOnNext != int.MaxValue)
        {
            DieOnNext--;
        }

        if (die)
        {
            await stream.WriteAsync(new V1.GenerateResponse { Delta = Partial });
            await stream.WriteAsync(new V1.GenerateResponse { Delta = Partial });
            Interlocked.Increment(ref _killed);
            // A killed pod: the connection goes away mid-stream, no status, no trailers.
            context.GetHttpContext().Abort();
            await Task.Delay(Timeout.Infinite, context.CancellationToken);
            return;
        }

        foreach (var word in Text.Split(' '))
        {
            await stream.WriteAsync(new V1.GenerateResponse { Delta = word + (word == Name ? string.Empty : " ") });
        }

        await stream.WriteAsync(new V1.GenerateResponse
        {
            FinishReason = "stop",
            Usage = new V1.Usage { PromptTokens = 3, CompletionTokens = 3 },
            Confidence = new V1.Confidence { MeanTokenProbability = 0.99f, MinTokenProbability = 0.95f },
        });
    }

    /// <summary>The gRPC service; the host's one stub comes in a box registered before it was built.</summary>
    private sealed class Service(StrongBox<StubWorker?> box) : V1.Inference.InferenceBase
    {
        public override Task Generate(V1.GenerateRequest request, IServerStreamWriter<V1.GenerateResponse> responseStream, ServerCallContext context) =>
            box.Value is { } stub ? stub.GenerateAsync(responseStream, context) : throw new RpcException(new Status(StatusCode.Unavailable, "starting"));
    }
}
