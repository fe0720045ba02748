using System.Diagnostics;
using Grpc.Health.V1;
using Grpc.HealthCheck;
using SlmFleet.Worker.Engine;
using SlmFleet.Worker.Scheduling;

namespace SlmFleet.Worker.Hosting;

/// <summary>Runs the warm-up prompts through the real scheduler, then flips health to SERVING.</summary>
internal static class WarmupRunner
{
    public const string ServiceName = "slmfleet.inference.v1.Inference";

    public static async Task RunAsync(WorkerState state, HealthServiceImpl health, TimeSpan loadTime, ILogger logger, CancellationToken cancellation)
    {
        var started = Stopwatch.GetTimestamp();
        if (state.Options.WarmupGate is { } gate)
        {
            await gate(cancellation);
        }

        foreach (var prompt in state.Options.WarmupPrompts.Where(p => p.Length > 0))
        {
            var ids = state.Model.Tokenizer.Encode(prompt, addSpecialTokens: true).Take(state.Model.Engine.Conventions.MaxSequenceLength / 2).ToList();
            var sequence = new GenerationSequence(ids, 8, new TokenSampler(SamplingOptions.Greedy, new Random(0)), [], false, true, cancellation);
            while (!state.Scheduler.TryEnqueue(sequence))
            {
                await Task.Delay(50, cancellation);
            }

            await foreach (var unused in sequence.Output.ReadAllAsync(cancellation))
            {
                _ = unused;
            }
        }

        state.WarmupSeconds = loadTime.TotalSeconds + Stopwatch.GetElapsedTime(started).TotalSeconds;
        state.Metrics.WarmupSeconds.Set(state.WarmupSeconds);
        state.Metrics.Warm.Set(1);
        state.IsWarm = true;
        health.SetStatus(string.Empty, HealthCheckResponse.Types.ServingStatus.Serving);
        health.SetStatus(ServiceName, HealthCheckResponse.Types.ServingStatus.Serving);
        HostLog.Warm(logger, state.ServedName, state.WarmupSeconds, state.Model.ExecutionProvider);
    }
}
