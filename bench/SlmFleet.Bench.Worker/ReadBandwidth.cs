using System.Diagnostics;
using System.Numerics;
using System.Runtime.InteropServices;

namespace SlmFleet.Bench.Worker;

/// <summary>
/// Memory READ bandwidth of this machine, measured in the same run as the decode cells: each of
/// <c>threads</c> readers sums its slice of a 512 MiB array (far beyond the caches) with vector
/// adds. Decode streams weights and KV in and writes almost nothing, so a read-only pass is its
/// bound; a memcpy also writes (and reads the target for ownership), and halves the figure.
/// </summary>
internal sealed class ReadBandwidth(int threads, long bytes = 512L << 20)
{
    private readonly ulong[] _data = CreateData(bytes);

    /// <summary>Checksum of the last pass; kept so the JIT cannot drop the reads.</summary>
    public ulong Checksum { get; private set; }

    public double MeasureGigabytesPerSecond(int rounds = 5)
    {
        var chunk = _data.Length / threads / Vector<ulong>.Count * Vector<ulong>.Count;
        var best = 0.0;
        var sums = new ulong[threads];
        for (var round = 0; round < rounds; round++)
        {
            var started = Stopwatch.GetTimestamp();
            Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, i => sums[i] = Sum(_data.AsSpan(i * chunk, chunk)));
            var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            best = Math.Max(best, (double)chunk * threads * sizeof(ulong) / seconds / 1e9);
            Checksum = sums.Aggregate(0UL, (a, s) => a + s);
        }

        return best;
    }

    // Four independent accumulators keep the adds off the critical path, so loads are the limit.
    private static ulong Sum(ReadOnlySpan<ulong> span)
    {
        var vectors = MemoryMarshal.Cast<ulong, Vector<ulong>>(span);
        Vector<ulong> a = default, b = default, c = default, d = default;
        var i = 0;
        for (; i + 4 <= vectors.Length; i += 4)
        {
            a += vectors[i];
            b += vectors[i + 1];
            c += vectors[i + 2];
            d += vectors[i + 3];
        }

        for (; i < vectors.Length; i++)
        {
            a += vectors[i];
        }

        return Vector.Sum(a + b + c + d);
    }

    private static ulong[] CreateData(long bytes)
    {
        var data = new ulong[bytes / sizeof(ulong)];
        // Touch every page with non-zero data so the pass reads real memory, not the shared zero page.
        for (var i = 0; i < data.Length; i++)
        {
            data[i] = (ulong)i;
        }

        return data;
    }
}
