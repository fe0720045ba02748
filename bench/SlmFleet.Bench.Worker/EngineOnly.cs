using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using SlmFleet.Worker.Engine;
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
        var model = ModelLoader.Load(modelDirectory, ExecutionProviderChoice.Cpu, NullLogger.Instance, threads);
        using var engine = model.Engine;
        var prompt = model.Tokenizer.Encode("The quick brown fox jumps over the lazy dog.").Select(i => (long)i).ToArray();
        var cache = engine.EmptyCache(1);
        using (var prefill = engine.Forward(prompt, [.. prompt.Select(_ => 1L)], [.. Enumerable.Range(0, prompt.Length).Select(i => (long)i)], 1, prompt.Length, cache))
        {
            cache.Dispose();
            cache = prefill.TakePresent();
        }

        if (batch > 1)
        {
            var single = cache;
            cache = KvCache.Gather([.. Enumerable.Repeat(single, batch)], [.. Enumerable.Repeat(0, batch)], [.. Enumerable.Repeat(single.Length, batch)], engine.Config.KeyValueHeads, engine.Config.HeadSize);
            single.Dispose();
        }

        var started = Stopwatch.GetTimestamp();
        for (var step = 0; step < steps; step++)
        {
            var length = cache.Length;
            using var output = engine.Forward([.. Enumerable.Repeat(42L, batch)], [.. Enumerable.Repeat(1L, batch * (length + 1))], [.. Enumerable.Repeat((long)length, batch)], batch, 1, cache);
            cache.Dispose();
            cache = output.TakePresent();
        }

        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        cache.Dispose();
        return steps * batch / seconds;
    }
}
