extern alias worker;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using Grpc.Core;
using V1 = worker::SlmFleet.Inference.V1;

namespace SlmFleet.Router.Tests.Infrastructure;

/// <summary>
/// A gRPC worker stand-in (the real contract over h2c) that streams a script of tokens, each with the
/// probability the test chose, and records when it wrote each one (Stopwatch timestamps, the same
/// clock the test reads). It can hold a token back until the test opens a gate, which lets a test
/// prove an order of events ("the client saw token 1 before the worker sent the last one") without
/// any wall-clock threshold. The real model cannot be told which confidence to produce; this can.
/// </summary>
public sealed class ScriptedWorker : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly List<long> _written = [];
    private int _calls;
    private int _cancelled;

    private ScriptedWorker(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    public Uri Address { get; }

    /// <summary>The tokens of the next calls: text and probability.</summary>
    public IReadOnlyList<(string Text, double Probability)> Script { get; set; } = [];

    /// <summary>When set, the worker waits for this gate before it writes the token at <see cref="GateBefore"/>.</summary>
    public TaskCompletionSource? Gate { get; set; }

    public int GateBefore { get; set; } = -1;

    /// <summary>Stopwatch timestamps at which the last call wrote each token (index = token index).</summary>
    public IReadOnlyList<long> Written
    {
        get
        {
            lock (_written)
            {
                return [.. _written];
            }
        }
    }

    public int Calls => Volatile.Read(ref _calls);

    /// <summary>Calls that ended because the router cancelled them.</summary>
    public int Cancelled => Volatile.Read(ref _cancelled);

    public static async Task<ScriptedWorker> StartAsync()
    {
        var box = new StrongBox<ScriptedWorker?>();
        var (app, address) = await LoopbackGrpcHost.StartAsync<Service>(services => services.AddSingleton(box));
        box.Value = new ScriptedWorker(app, address);
        return box.Value;
    }

    public async ValueTask DisposeAsync()
    {
        Gate?.TrySetResult();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task GenerateAsync(V1.GenerateRequest request, IServerStreamWriter<V1.GenerateResponse> stream, ServerCallContext context)
    {
        Interlocked.Increment(ref _calls);
        lock (_written)
        {
            _written.Clear();
        }

        var script = Script;
        double sum = 0, min = 1;
        try
        {
            for (var i = 0; i < script.Count; i++)
            {
                if (i == GateBefore && Gate is { } gate)
                {
                    await gate.Task.WaitAsync(context.CancellationToken);
                }

                var (text, probability) = script[i];
                var message = new V1.GenerateResponse { Delta = text };
                message.TokenIds.Add(100 + i);
                if (request.Logprobs)
                {
                    message.Logprobs.Add(new V1.TokenLogprob { Token = text, Logprob = (float)Math.Log(probability) });
                }

                await stream.WriteAsync(message, context.CancellationToken);
                lock (_written)
                {
                    _written.Add(Stopwatch.GetTimestamp());
                }

                sum += probability;
                min = Math.Min(min, probability);
            }

            await stream.WriteAsync(new V1.GenerateResponse
            {
                FinishReason = "stop",
                Usage = new V1.Usage { PromptTokens = 7, CompletionTokens = script.Count },
                Confidence = new V1.Confidence { MeanTokenProbability = (float)(sum / Math.Max(1, script.Count)), MinTokenProbability = (float)min },
            });
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            Interlocked.Increment(ref _cancelled);
        }
        catch (IOException) when (context.CancellationToken.IsCancellationRequested)
        {
            Interlocked.Increment(ref _cancelled);
        }
    }

    private sealed class Service(StrongBox<ScriptedWorker?> box) : V1.Inference.InferenceBase
    {
        public override Task Generate(V1.GenerateRequest request, IServerStreamWriter<V1.GenerateResponse> responseStream, ServerCallContext context) =>
            box.Value is { } worker ? worker.GenerateAsync(request, responseStream, context) : throw new RpcException(new Status(StatusCode.Unavailable, "starting"));
    }
}
