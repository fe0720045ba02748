using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using SlmFleet.Worker.Model;

namespace SlmFleet.Bench.Worker;

/// <summary>
/// Decode straight on the engine (no gRPC, no scheduler), to show how much of the served number is
/// serving overhead. Reported beside the JSON keys, not among them.
/// </summary>
internal static class EngineOnly
{
    public static double DecodeTokensPerSecond(string modelDirectory, int steps, int threads = 0, int batch = 1)
    {
        var model = ModelLoader.Load(modelDirectory, ExecutionProviderChoice.Cpu, NullLogger.Instance, new EngineOptions { MaxBatch = batch, IntraOpThreads = threads });
        using var engine = model.Engine;
        var prompt = model.Tokenizer.Encode("The quick brown fox jumps over the lazy dog.").ToArray();
        for (var slot = 0; slot < batch; slot++)
        {
            engine.Run(slot, 1, prompt.Length, prompt, [0]);
        }

        var tokens = Enumerable.Repeat(42, batch).ToArray();
        var past = Enumerable.Repeat(prompt.Length, batch).ToArray();
        var started = Stopwatch.GetTimestamp();
        for (var step = 0; step < steps; step++)
        {
            engine.Run(0, batch, 1, tokens, past);
            for (var row = 0; row < batch; row++)
            {
                past[row]++;
            }
        }

        return steps * batch / Stopwatch.GetElapsedTime(started).TotalSeconds;
    }
}
