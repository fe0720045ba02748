using System.Diagnostics;

namespace SlmFleet.Bench.Worker;

/// <summary>
/// Memory copy bandwidth of this machine, measured in the same run as the decode benchmark:
/// bytes copied per second with one copier per core over buffers far larger than the caches.
/// Measured right before and right after the batch-1 phase, so both see the same machine load.
/// </summary>
internal sealed class CopyBandwidth(int bufferBytes = 256 << 20)
{
    private readonly byte[] _source = CreateSource(bufferBytes);
    private readonly byte[] _target = new byte[bufferBytes];

    public double MeasureGigabytesPerSecond(int rounds = 5)
    {
        var workers = Environment.ProcessorCount;
        var chunk = bufferBytes / workers;
        var best = 0.0;
        for (var round = 0; round < rounds; round++)
        {
            var started = Stopwatch.GetTimestamp();
            Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, i =>
                _source.AsSpan(i * chunk, chunk).CopyTo(_target.AsSpan(i * chunk, chunk)));
            var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            best = Math.Max(best, (double)chunk * workers / seconds / 1e9);
        }

        return best;
    }

    private static byte[] CreateSource(int bytes)
    {
        var source = new byte[bytes];
        new Random(1).NextBytes(source);
        return source;
    }
}
