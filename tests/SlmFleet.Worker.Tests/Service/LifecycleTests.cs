using Grpc.Core;
using Grpc.Health.V1;
using SlmFleet.Inference.V1;
using SlmFleet.Testing;
using SlmFleet.Worker.Tests.Infrastructure;

namespace SlmFleet.Worker.Tests.Service;

[TestFixture]
public sealed class LifecycleTests
{
    [Test]
    public async Task Health_BeforeAndAfterWarmup_NotServingThenServing()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var worker = await RunningWorker.StartAsync(o => Copy(o, gate), waitUntilWarm: false);
        var health = new Health.HealthClient(worker.Channel);

        var before = await health.CheckAsync(new HealthCheckRequest { Service = "slmfleet.inference.v1.Inference" });
        var generateWhileCold = async () => await worker.GenerateAllAsync(new GenerateRequest { Prompt = "hi" });
        await generateWhileCold.Should().ThrowAsync<RpcException>().Where(e => e.StatusCode == StatusCode.Unavailable);
        gate.SetResult();
        await Poll.UntilAsync(
            async () => (await health.CheckAsync(new HealthCheckRequest())).Status == HealthCheckResponse.Types.ServingStatus.Serving,
            "health SERVING");

        before.Status.Should().Be(HealthCheckResponse.Types.ServingStatus.NotServing);
        (await worker.Client.StatsAsync(new StatsRequest())).Warm.Should().BeTrue();
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task Stop_WhileGenerating_RefusesNewWorkAndLetsTheRunningStreamFinish()
    {
        var worker = await RunningWorker.StartAsync();
        using var call = worker.Client.Generate(new GenerateRequest { Prompt = "hi", MaxNewTokens = 300, IgnoreEos = true });
        (await call.ResponseStream.MoveNext(CancellationToken.None)).Should().BeTrue();

        // What SIGTERM does: the host stops, which drains instead of cutting the stream.
        var stopping = worker.Host.DisposeAsync().AsTask();
        await Poll.UntilAsync(() => Task.FromResult(worker.Host.State.IsDraining), "the worker to start draining");
        var tokens = call.ResponseStream.Current.TokenIds.Count;
        GenerateResponse? last = null;
        while (await call.ResponseStream.MoveNext(CancellationToken.None))
        {
            tokens += call.ResponseStream.Current.TokenIds.Count;
            last = call.ResponseStream.Current;
        }

        await stopping;
        worker.Channel.Dispose();
        last!.FinishReason.Should().Be("length", "the running generation finished instead of being cut at shutdown");
        tokens.Should().Be(300);
        worker.Host.State.Metrics.Requests.WithLabels("generate", "cancelled").Value.Should().Be(0);
    }

    [Test]
    public async Task Warmup_Fails_CountedAndHealthStaysNotServing()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var worker = await RunningWorker.StartAsync(o => Copy(o, gate), waitUntilWarm: false);
        var health = new Health.HealthClient(worker.Channel);

        gate.SetException(new InvalidOperationException("warm-up prompt failed"));
        await Poll.UntilAsync(() => Task.FromResult(worker.Host.State.Metrics.WarmupFailures.Value >= 1), "the warm-up failure to be counted");

        worker.Host.State.Metrics.WarmupFailures.Value.Should().Be(1);
        (await health.CheckAsync(new HealthCheckRequest())).Status.Should().Be(HealthCheckResponse.Types.ServingStatus.NotServing);
        (await worker.Client.StatsAsync(new StatsRequest())).Warm.Should().BeFalse();
    }

    [Test]
    public async Task Generate_QueueFull_ResourceExhausted()
    {
        await using var worker = await RunningWorker.StartAsync(o => new()
        {
            ModelDirectory = o.ModelDirectory, ExecutionProvider = o.ExecutionProvider, WarmupPrompts = o.WarmupPrompts,
            LogLevel = o.LogLevel, MaxQueue = 1, MaxBatch = 1,
        });
        worker.Host.Scheduler.PauseAdmission();
        var queued = worker.GenerateAllAsync(new GenerateRequest { Prompt = "first", MaxNewTokens = 3, IgnoreEos = true });
        await Poll.UntilAsync(async () => (await worker.Client.StatsAsync(new StatsRequest())).QueueDepth == 1, "one queued request");

        var overflow = async () => await worker.GenerateAllAsync(new GenerateRequest { Prompt = "second", MaxNewTokens = 3 });

        var error = await overflow.Should().ThrowAsync<RpcException>();
        error.Which.StatusCode.Should().Be(StatusCode.ResourceExhausted);
        error.Which.Status.Detail.Should().Contain("max-queue 1");
        error.Which.Trailers.GetValue("retry-after-ms").Should().Be("1000", "the router turns the hint into Retry-After");
        worker.Host.Scheduler.ResumeAdmission();
        (await queued)[^1].Usage.CompletionTokens.Should().Be(3);
    }

    [Test]
    public async Task Generate_DeadlineExpiresWhileQueued_NeverRuns()
    {
        await using var worker = await RunningWorker.StartAsync();
        worker.Host.Scheduler.PauseAdmission();
        var promptTokensBefore = worker.Host.State.Metrics.PromptTokens.Value;
        using var call = worker.Client.Generate(new GenerateRequest { Prompt = "too late", MaxNewTokens = 3 }, deadline: DateTime.UtcNow.AddMilliseconds(300));

        var act = async () => await call.ResponseStream.MoveNext(CancellationToken.None);

        await act.Should().ThrowAsync<RpcException>().Where(e => e.StatusCode == StatusCode.DeadlineExceeded);
        await Poll.UntilAsync(() => Task.FromResult(worker.Host.Scheduler.QueueDepth == 0), "the expired request to free its queue slot");
        worker.Host.Scheduler.ResumeAdmission();
        // A later request passes through the same FIFO queue: once it is done, the expired one was either run or skipped.
        var later = await worker.GenerateAllAsync(new GenerateRequest { Prompt = "x", MaxNewTokens = 1 });
        promptTokensBefore += later[^1].Usage.PromptTokens;
        worker.Host.State.Metrics.PromptTokens.Value.Should().Be(promptTokensBefore, "an expired request must not use the engine");
    }

    private static SlmFleet.Worker.Hosting.WorkerOptions Copy(SlmFleet.Worker.Hosting.WorkerOptions o, TaskCompletionSource gate) => new()
    {
        ModelDirectory = o.ModelDirectory,
        ExecutionProvider = o.ExecutionProvider,
        WarmupPrompts = o.WarmupPrompts,
        LogLevel = o.LogLevel,
        WarmupGate = ct => gate.Task.WaitAsync(ct),
    };
}
