using System.Diagnostics;

namespace SlmFleet.Bench.Worker;

/// <summary>
/// Memory copy bandwidth of this machine, measured in the same run as the decode benchmark:
/// bytes copied per second with one copier per core over buffers far larger than the caches.
/// </summary>
internal static class CopyBandwidth
{
    public static double MeasureGigabytesPerSecond(int bufferBytes = 256 << 20, int rounds = 6)
    {
        var source = new byte[bufferBytes];
        var target = new byte[bufferBytes];
        new Random(1).NextBytes(source);
        source.AsSpan().CopyTo(target);
        var workers = Environment.ProcessorCount;
        var chunk = bufferBytes / workers;
        var best = 0.0;
        for (var round = 0; round < rounds; round++)
        {
            var started = Stopwatch.GetTimestamp();
            Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, i =>
                source.AsSpan(i * chunk, chunk).CopyTo(target.AsSpan(i * chunk, chunk)));
            var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            best = Math.Max(best, (double)chunk * workers / seconds / 1e9);
        }

        GC.KeepAlive(target);
        return best;
    }
}
