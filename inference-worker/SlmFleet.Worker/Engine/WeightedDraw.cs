using System.Numerics.Tensors;

namespace SlmFleet.Worker.Engine;

/// <summary>
/// One draw from unnormalised weights, given a uniform number in [0, 1). Walks the weights in the
/// order given, so the same weights and draw always pick the same token; a zero weight is never picked.
/// </summary>
internal static class WeightedDraw
{
    private const int Block = 1024;

    /// <summary>Picks a token id from a weight per vocabulary entry.</summary>
    /// <remarks>
    /// Block sums are vectorised: the draw finds its block from the sums, then walks one block,
    /// rather than walking all 152k weights one by one.
    /// </remarks>
    public static int Pick(ReadOnlySpan<float> weights, double draw)
    {
        double total = 0;
        for (var start = 0; start < weights.Length; start += Block)
        {
            total += TensorPrimitives.Sum(BlockAt(weights, start));
        }

        var target = draw * total;
        var last = -1;
        for (var start = 0; start < weights.Length; start += Block)
        {
            var block = BlockAt(weights, start);
            double sum = TensorPrimitives.Sum(block);
            if (sum <= 0)
            {
                continue;
            }

            if (target >= sum)
            {
                target -= sum;
                last = start + block.LastIndexOfAnyExcept(0f);
                continue;
            }

            for (var i = 0; i < block.Length; i++)
            {
                if (block[i] <= 0)
                {
                    continue;
                }

                if (target < block[i])
                {
                    return start + i;
                }

                target -= block[i];
                last = start + i;
            }
        }

        // Only rounding (the float block sums against the double walk) gets here: take the last
        // token with weight, which the draw was closest to.
        return last;
    }

    /// <summary>Picks among candidates whose weights are listed beside them.</summary>
    public static int Pick(ReadOnlySpan<LogitCandidate> candidates, ReadOnlySpan<double> weights, double draw)
    {
        double total = 0;
        foreach (var weight in weights)
        {
            total += weight;
        }

        var target = draw * total;
        var last = candidates[0].Id;
        for (var i = 0; i < candidates.Length; i++)
        {
            if (weights[i] <= 0)
            {
                continue;
            }

            if (target < weights[i])
            {
                return candidates[i].Id;
            }

            target -= weights[i];
            last = candidates[i].Id;
        }

        return last;
    }

    /// <summary>Picks among candidates whose weights are looked up by token id.</summary>
    public static int Pick(ReadOnlySpan<LogitCandidate> candidates, ReadOnlySpan<float> weightsById, double draw)
    {
        double total = 0;
        foreach (var candidate in candidates)
        {
            total += weightsById[candidate.Id];
        }

        var target = draw * total;
        var last = candidates[0].Id;
        foreach (var candidate in candidates)
        {
            var weight = weightsById[candidate.Id];
            if (weight <= 0)
            {
                continue;
            }

            if (target < weight)
            {
                return candidate.Id;
            }

            target -= weight;
            last = candidate.Id;
        }

        return last;
    }

    private static ReadOnlySpan<float> BlockAt(ReadOnlySpan<float> weights, int start)
        => weights.Slice(start, Math.Min(Block, weights.Length - start));
}
