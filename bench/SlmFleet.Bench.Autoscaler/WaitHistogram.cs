namespace SlmFleet.Bench.Autoscaler;

/// <summary>
/// Request waiting times in 1 ms buckets up to 20 minutes (longer waits land in the last bucket),
/// so millions of requests need no per-request storage.
/// </summary>
internal sealed class WaitHistogram
{
    private const double BucketSeconds = 0.001;
    private readonly long[] _buckets = new long[1_200_000];

    public long Count { get; private set; }

    public void Add(double seconds)
    {
        var index = (int)Math.Min(_buckets.Length - 1, Math.Max(0, seconds / BucketSeconds));
        _buckets[index]++;
        Count++;
    }

    /// <summary>The q-quantile (0..1), reported as the upper edge of its bucket.</summary>
    public double Quantile(double q)
    {
        if (Count == 0)
        {
            return 0;
        }

        var rank = (long)Math.Ceiling(q * Count);
        long seen = 0;
        for (var i = 0; i < _buckets.Length; i++)
        {
            seen += _buckets[i];
            if (seen >= rank)
            {
                return (i + 1) * BucketSeconds;
            }
        }

        return _buckets.Length * BucketSeconds;
    }
}
